import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import type { TenantSettingsAnswer, TenantSettingsUpdate, UpdatedTenantSettings } from '@audit-log/model/callables';
import { Session } from '../core/auth/session';
import { CommandFailure, Commands, describeFailure, type FieldProblem } from '../commands/commands';
import { ApiKeys, type ApiKeyRow, type CreatedKey } from './api-keys';
import { LEVEL_TABLE_ROWS, RULE_FIELDS, type RulePath } from './classification-form';
import {
  FormProblem,
  REVIEW_LEVELS,
  changedSections,
  formOf,
  type ReviewLevel,
  type SettingsForm,
} from './settings-form';

/** The settings as last loaded or saved. */
type SettingsAnswer = TenantSettingsAnswer | UpdatedTenantSettings;

type FlagField = 'maskEmails' | 'webhookEnabled' | 'anomalyEnabled' | 'destructiveDeletes';
type TextField = Exclude<keyof SettingsForm, FlagField | 'deadlines' | 'rules'>;

/**
 * Tenant settings for admins: retention, classification overrides, redaction keys, review
 * deadlines, alert rules and channels, the webhook, anomaly detection, and API keys. Saving sends
 * only the changed sections to `updateTenantSettings`, which validates them and records every
 * change as an audit entry with before and after. Secrets are shown once.
 */
@Component({
  selector: 'app-settings-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, MatButtonModule, MatCardModule],
  templateUrl: './settings-page.html',
  styleUrl: './settings-page.scss',
})
export class SettingsPage {
  private readonly commands = inject(Commands);
  private readonly apiKeys = inject(ApiKeys);
  protected readonly session = inject(Session);

  protected readonly isAdmin = computed(
    () => this.session.claims().role === 'admin' && this.session.tenantId() !== null,
  );
  protected readonly levels = REVIEW_LEVELS;
  protected readonly levelTable = LEVEL_TABLE_ROWS;
  protected readonly ruleFields = RULE_FIELDS;
  protected readonly loaded = signal<SettingsAnswer | null>(null);
  protected readonly form = signal<SettingsForm | null>(null);
  protected readonly saving = signal(false);
  protected readonly status = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly fieldProblems = signal<readonly FieldProblem[]>([]);
  protected readonly shownSecret = signal<{ label: string; value: string } | null>(null);
  protected readonly keys = signal<ApiKeyRow[]>([]);
  protected readonly newKeyName = signal('');
  protected readonly createdKey = signal<CreatedKey | null>(null);

  constructor() {
    effect(() => {
      const admin = this.isAdmin();
      untracked(() => {
        if (admin) void this.load();
      });
    });
  }

  private async load(): Promise<void> {
    try {
      const answer = await this.commands.call('getTenantSettings');
      this.loaded.set(answer);
      this.form.set(formOf(answer.settings));
      await this.loadKeys();
    } catch (err) {
      this.status.set({ ok: false, text: describeFailure(err) });
    }
  }

  private async loadKeys(): Promise<void> {
    const tenantId = this.session.tenantId();
    if (tenantId) this.keys.set(await this.apiKeys.list(tenantId));
  }

  protected text(field: TextField, event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.form.update((f) => (f ? { ...f, [field]: value } : f));
  }

  protected flag(field: FlagField, event: Event): void {
    const value = (event.target as HTMLInputElement).checked;
    this.form.update((f) => (f ? { ...f, [field]: value } : f));
  }

  protected rule(path: RulePath, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.form.update((f) => (f ? { ...f, rules: { ...f.rules, [path]: value } } : f));
  }

  protected deadline(level: ReviewLevel, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.form.update((f) => (f ? { ...f, deadlines: { ...f.deadlines, [level]: value } } : f));
  }

  protected async save(): Promise<void> {
    const form = this.form();
    const loaded = this.loaded();
    if (!form || !loaded) return;
    this.status.set(null);
    this.fieldProblems.set([]);
    let settings: TenantSettingsUpdate;
    try {
      settings = changedSections(form, loaded.settings);
    } catch (err) {
      if (err instanceof FormProblem) {
        this.fieldProblems.set([{ path: err.path, message: err.message }]);
        return;
      }
      throw err;
    }
    if (Object.keys(settings).length === 0) {
      this.status.set({ ok: true, text: 'Nothing changed.' });
      return;
    }
    this.saving.set(true);
    try {
      const answer = await this.commands.call('updateTenantSettings', { settings });
      this.loaded.set(answer);
      this.form.set(formOf(answer.settings));
      this.status.set({ ok: true, text: `Saved (version ${answer.version}): ${answer.changed.join(', ')}.` });
      if (answer.webhookSecret) this.shownSecret.set({ label: 'Webhook signing secret', value: answer.webhookSecret });
    } catch (err) {
      const failure = CommandFailure.from(err);
      this.fieldProblems.set(failure.fields);
      this.status.set({ ok: false, text: failure.message });
    } finally {
      this.saving.set(false);
    }
  }

  protected async rotateSecret(): Promise<void> {
    try {
      const answer = await this.commands.call('rotateWebhookSecret');
      this.shownSecret.set({ label: `Webhook signing secret (version ${answer.version})`, value: answer.secret });
    } catch (err) {
      this.status.set({ ok: false, text: describeFailure(err) });
    }
  }

  protected onKeyName(event: Event): void {
    this.newKeyName.set((event.target as HTMLInputElement).value);
  }

  protected async createKey(): Promise<void> {
    try {
      this.createdKey.set(await this.apiKeys.create(this.newKeyName().trim()));
      this.newKeyName.set('');
      await this.loadKeys();
    } catch (err) {
      this.status.set({ ok: false, text: describeFailure(err) });
    }
  }

  protected async revokeKey(row: ApiKeyRow): Promise<void> {
    try {
      await this.apiKeys.revoke(row.keyId);
      await this.loadKeys();
    } catch (err) {
      this.status.set({ ok: false, text: describeFailure(err) });
    }
  }
}
