/** Tenant settings as admins change them: validation, the change itself and its audit event. */
export * from './update';
