/** Personal data sealed per data subject (crypto-shredding): pure parts, no Firebase. */
export * from './ciphertext';
export * from './keys';
export * from './personal-fields';
export * from './settings';
export * from './access';
export * from './erasure';
export * from './person-search';
export * from './erased-input';
