import type { Page } from 'playwright-core';

// What a signed-in user can reach without the console's own code: the Firestore REST API called
// from inside the page with the ID token the console keeps, as a curious user would from DevTools.

/** Runs a Firestore REST query from inside the page with the ID token the console holds. */
export async function queryFromBrowser(
  page: Page,
  tenantId: string,
): Promise<{ status: number; docs: number; body: string }> {
  return page.evaluate(async (tenant) => {
    const token = await new Promise<string | null>((resolve, reject) => {
      const open = indexedDB.open('firebaseLocalStorageDb');
      open.onerror = () => reject(new Error('no auth storage'));
      open.onsuccess = () => {
        const read = open.result
          .transaction('firebaseLocalStorage', 'readonly')
          .objectStore('firebaseLocalStorage')
          .getAll();
        read.onsuccess = () => {
          const records = read.result as Array<{
            fbase_key: string;
            value: { stsTokenManager?: { accessToken?: string } };
          }>;
          const user = records.find((r) => r.fbase_key.startsWith('firebase:authUser:'));
          resolve(user?.value.stsTokenManager?.accessToken ?? null);
        };
      };
    });
    const res = await fetch('http://127.0.0.1:8080/v1/projects/demo-auditlog/databases/(default)/documents:runQuery', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
      body: JSON.stringify({
        structuredQuery: {
          from: [{ collectionId: 'audit_logs' }],
          where: { fieldFilter: { field: { fieldPath: 'tenantId' }, op: 'EQUAL', value: { stringValue: tenant } } },
          limit: 5,
        },
      }),
    });
    const body = await res.text();
    let docs = 0;
    if (res.ok) docs = (JSON.parse(body) as Array<{ document?: unknown }>).filter((r) => r.document).length;
    return { status: res.status, docs, body: body.slice(0, 300) };
  }, tenantId);
}
