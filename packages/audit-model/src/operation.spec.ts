import { describe, expect, it } from 'vitest';
import type { Operation } from './envelope';
import { deriveOperation } from './operation';

describe('deriveOperation', () => {
  it.each<readonly [string, Operation]>([
    ['repo.created', 'CREATE'],
    ['org.member_added', 'CREATE'],
    ['pr.opened', 'CREATE'],
    ['org.webhook_added', 'CREATE'],
    ['repo.deleted', 'DELETE'],
    ['org.team_deleted', 'DELETE'],
    ['repo.collaborator_removed', 'DELETE'],
    ['file.downloaded', 'READ'],
    ['repo.cloned', 'READ'],
    ['auth.user.login', 'EXECUTE'],
    ['auth.login.failed', 'EXECUTE'],
    ['auth.session.expired', 'EXECUTE'],
    ['pr.merged', 'EXECUTE'],
    ['pr.review_requested', 'EXECUTE'],
    ['pr.conflict_detected', 'EXECUTE'],
    ['security.repeated_denials', 'EXECUTE'],
    ['org.team_created', 'CREATE'],
    ['org.webhook_deleted', 'DELETE'],
    ['pr.changes_requested', 'EXECUTE'],
    ['repo.visibility_changed', 'UPDATE'],
    ['repo.settings_updated', 'UPDATE'],
    ['issue.closed', 'UPDATE'],
    ['issue.labeled', 'UPDATE'],
    ['widget.frobnicated', 'UPDATE'],
  ])('%s is %s', (eventType, operation) => {
    expect(deriveOperation(eventType)).toBe(operation);
  });

  it('takes the verb from the last word of the last segment', () => {
    expect(deriveOperation('created.updated')).toBe('UPDATE');
    expect(deriveOperation('x.created_by_mistake')).toBe('UPDATE');
  });
});
