// The demo runs the publisher SDK from its source, so `npm test` and the demo never need a build
// of packages/audit-client first. Applications outside this repository import `@audit-log/client`.
export * from '../../packages/audit-client/src/index';
