import type { CallableOutput, RevealedFields } from '@audit-log/model/callables';
import { randomBytes } from 'node:crypto';
import { FieldValue } from 'firebase-admin/firestore';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { stageAuditEvent } from '../commands/audit';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { parseCommand, requireTenantRole } from '../domain/commands';
import {
  approveErasureInputSchema,
  checkErasureApproval,
  erasureEnvelope,
  actorEmailTokens,
  mayRevealPersonalData,
  personSearchTokensInputSchema,
  REVEAL_ROLES,
  requestErasureInputSchema,
  requireErasureRequester,
  revealEntriesInputSchema,
  sealedKeyIds,
  type ErasureRecord,
} from '../domain/privacy';
import type { Role } from '../domain/commands';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';
import { dataKeyStore, revealEntries as openEntries, type DataKeyStore } from './data-keys';
import { purgeSubjectDeadLetters } from './dead-letter-purge';

// The personal-data callables: erasure (request, then approval by a second person, which
// destroys the subject's key) and the console's reveal of the sealed fields of a visible page.

function keys(): DataKeyStore {
  const store = dataKeyStore();
  if (!store) throw new Error('AUDIT_PERSONAL_DATA_KEK has no value');
  return store;
}

/** A compliance officer requests the erasure of a subject; recorded as a COMPLIANCE entry. */
export function handleRequestErasure(request: CallableRequest): Promise<CallableOutput<'requestErasure'>> {
  return runCallable('requestErasure', async () => {
    const officer = requireErasureRequester(requestCaller(request));
    const input = parseCommand(requestErasureInputSchema, request.data);
    const db = firestore();
    const erasureId = randomBytes(10).toString('hex');
    const subjectRef = keys().subjectRef(officer.tenantId, input.subject);
    const member = { uid: officer.uid, ...(officer.email !== undefined ? { email: officer.email } : {}) };
    const record: ErasureRecord = {
      tenantId: officer.tenantId,
      status: 'requested',
      subject: input.subject,
      subjectRef,
      reason: input.reason,
      requestedBy: member,
    };
    // The request and its entry commit together (the transaction only groups the two writes).
    const logId = await db.runTransaction((tx) => {
      tx.create(db.collection(COLLECTIONS.erasures).doc(erasureId), {
        ...record,
        requestedAt: FieldValue.serverTimestamp(),
      });
      const staged = stageAuditEvent(
        tx,
        db,
        erasureEnvelope({
          step: 'requested',
          tenantId: officer.tenantId,
          erasureId,
          subjectRef,
          member,
          occurredAt: new Date().toISOString(),
          reason: input.reason,
        }),
      );
      return Promise.resolve(staged);
    });
    return { erasureId, status: 'requested', logId };
  });
}

/**
 * A second person approves: the approval is recorded, the key destroyed, then the execution
 * recorded and the clear subject id dropped from the request. Each step is its own COMPLIANCE
 * entry; a retry after a failure between them finishes the execution.
 */
export function handleApproveErasure(request: CallableRequest): Promise<CallableOutput<'approveErasure'>> {
  return runCallable('approveErasure', async () => {
    const caller = requestCaller(request);
    const input = parseCommand(approveErasureInputSchema, request.data);
    const db = firestore();
    const ref = db.collection(COLLECTIONS.erasures).doc(input.erasureId);
    const now = () => new Date().toISOString();
    const approved = await db.runTransaction(async (tx) => {
      const record = (await tx.get(ref)).data() as ErasureRecord | undefined;
      const approver = checkErasureApproval(record, caller);
      const member = { uid: approver.uid, ...(approver.email !== undefined ? { email: approver.email } : {}) };
      const logIds: string[] = [];
      if (record!.status === 'requested') {
        tx.update(ref, { status: 'approved', approvedBy: member, approvedAt: FieldValue.serverTimestamp() });
        logIds.push(
          stageAuditEvent(
            tx,
            db,
            erasureEnvelope({
              step: 'approved',
              tenantId: approver.tenantId,
              erasureId: input.erasureId,
              subjectRef: record!.subjectRef,
              member,
              occurredAt: now(),
            }),
          ),
        );
      }
      return { record: record!, member, tenantId: approver.tenantId, logIds };
    });
    const subject = approved.record.subject;
    const destroyed = subject !== undefined ? (await keys().destroy(approved.tenantId, subject)).destroyed : false;
    // Refused input of the subject keeps its payload in clear: removed with the key. A retry after
    // the execution was recorded no longer knows the subject, and has nothing left to purge.
    const deadLettersPurged = subject !== undefined ? await purgeSubjectDeadLetters(db, approved.tenantId, subject) : 0;
    const executedLogId = await db.runTransaction(async (tx) => {
      const current = (await tx.get(ref)).data() as ErasureRecord | undefined;
      if (current?.status === 'executed') return null;
      tx.update(ref, { status: 'executed', subject: FieldValue.delete(), executedAt: FieldValue.serverTimestamp() });
      return stageAuditEvent(
        tx,
        db,
        erasureEnvelope({
          step: 'executed',
          tenantId: approved.tenantId,
          erasureId: input.erasureId,
          subjectRef: approved.record.subjectRef,
          member: approved.member,
          occurredAt: now(),
          keyDestroyed: destroyed,
          deadLettersPurged,
        }),
      );
    });
    return {
      erasureId: input.erasureId,
      status: 'executed',
      keyDestroyed: destroyed,
      deadLettersPurged,
      logIds: [...approved.logIds, ...(executedLogId !== null ? [executedLogId] : [])],
    };
  });
}

/**
 * The sealed fields of the entries a console reader sees, opened: for members of the entries'
 * tenant whose role reads the log. Entries of other tenants are left out as if missing.
 */
export function handleRevealEntries(request: CallableRequest): Promise<CallableOutput<'revealEntries'>> {
  return runCallable('revealEntries', async () => {
    const reader = requireTenantRole(requestCaller(request), [...REVEAL_ROLES] as Role[], 'read personal data');
    const input = parseCommand(revealEntriesInputSchema, request.data);
    const db = firestore();
    const snaps = await db.getAll(...input.logIds.map((id) => db.collection(COLLECTIONS.logs).doc(id)));
    const sealed = snaps
      .filter((s) => s.exists && s.get('tenantId') === reader.tenantId)
      .map((s) => {
        const { actor, changes, metadata } = s.data() as RevealedFields;
        return { logId: s.id, actor, changes, metadata };
      })
      .filter((e) => sealedKeyIds(e).size > 0);
    const reveal = mayRevealPersonalData({ tenantId: reader.tenantId, role: reader.role }, reader.tenantId);
    const opened = reveal ? await openEntries(reader.tenantId, sealed) : [];
    const entries: CallableOutput<'revealEntries'>['entries'] = {};
    for (const { logId, ...fields } of opened) entries[logId] = fields;
    return { entries };
  });
}

/**
 * The search tokens of a person's address in the caller's tenant, for the console's log search,
 * which queries Firestore directly (the rules scope it to the tenant) and cannot compute the
 * blind token itself. Only for members whose role reads the tenant's personal data in clear; the
 * tenant always comes from the claims, so nobody obtains another tenant's token.
 */
export function handlePersonSearchTokens(request: CallableRequest): Promise<CallableOutput<'personSearchTokens'>> {
  return runCallable('personSearchTokens', () => {
    const reader = requireTenantRole(requestCaller(request), [...REVEAL_ROLES] as Role[], 'search by a person');
    const input = parseCommand(personSearchTokensInputSchema, request.data);
    const store = dataKeyStore();
    const blindIndex = store ? (email: string) => store.blindIndex(reader.tenantId, email) : undefined;
    return Promise.resolve({ tokens: actorEmailTokens(input.actorEmail, blindIndex) });
  });
}

export const requestErasure = onCall(COMMAND_OPTIONS, withFreshToken(handleRequestErasure));
export const approveErasure = onCall(COMMAND_OPTIONS, withFreshToken(handleApproveErasure));
export const revealEntries = onCall(COMMAND_OPTIONS, withFreshToken(handleRevealEntries));
export const personSearchTokens = onCall(COMMAND_OPTIONS, withFreshToken(handlePersonSearchTokens));
