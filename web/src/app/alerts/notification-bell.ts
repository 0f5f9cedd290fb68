import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { MatBadgeModule } from '@angular/material/badge';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { collection, limit, onSnapshot, query, where } from 'firebase/firestore';
import { Session } from '../core/auth/session';
import { liveQuery } from '../core/live-query';
import { Commands, describeFailure } from '../commands/commands';

/** Unread notifications counted and listed; beyond this the badge says "99+". */
const UNREAD_LIMIT = 100;

interface Notice {
  id: string;
  title: string;
  body: string;
  link: string | null;
  level: string;
  createdAt: Date | null;
}

/** A stored string field, or the fallback when it is absent or not a string. */
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function toNotice(id: string, data: Record<string, unknown>): Notice {
  const created = data['createdAt'] as { toDate?: () => Date } | undefined;
  return {
    id,
    title: str(data['title'], 'Notification'),
    body: str(data['body']),
    link: typeof data['link'] === 'string' ? data['link'] : null,
    level: str(data['level']),
    createdAt: typeof created?.toDate === 'function' ? created.toDate() : null,
  };
}

/**
 * The alert bell of the toolbar: the signed-in user's unread notifications of their tenant, live
 * (an `onSnapshot` query the rules allow only for the recipient). Marking read goes through the
 * `markNotificationsRead` callable; clients never write notifications.
 */
@Component({
  selector: 'app-notification-bell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, MatBadgeModule, MatButtonModule, MatIconModule, MatMenuModule, MatTooltipModule],
  template: `
    <button
      mat-icon-button
      type="button"
      [matMenuTriggerFor]="menu"
      [attr.aria-label]="'Notifications: ' + unread() + ' unread'"
      matTooltip="Alerts"
      data-testid="alert-bell"
    >
      <mat-icon [matBadge]="badge()" [matBadgeHidden]="unread() === 0" matBadgeColor="warn" aria-hidden="false">
        notifications
      </mat-icon>
    </button>
    <span class="count" data-testid="alert-bell-count">{{ unread() }}</span>
    <mat-menu #menu="matMenu" class="bell-menu" xPosition="before">
      @if (notices().length === 0) {
        <p class="empty">No unread alerts.</p>
      } @else {
        @for (n of latest(); track n.id) {
          <a mat-menu-item [routerLink]="n.link" class="notice">
            <span class="title" [attr.data-level]="n.level">{{ n.title }}</span>
            <span class="body">{{ n.body }}</span>
            @if (n.createdAt) {
              <span class="when">{{ n.createdAt | date: 'MMM d, HH:mm' }}</span>
            }
          </a>
        }
        <button mat-menu-item type="button" (click)="markAllRead()" data-testid="alert-mark-read">
          <mat-icon>done_all</mat-icon>
          Mark all read
        </button>
      }
      @if (problem(); as p) {
        <p class="empty" role="alert">{{ p }}</p>
      }
    </mat-menu>
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
    }
    .count {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .empty {
      padding: 8px 16px;
      margin: 0;
    }
    .notice {
      height: auto;
      min-height: 56px;
      line-height: 1.3;
      padding-top: 6px;
      padding-bottom: 6px;
    }
    .notice .title,
    .notice .body,
    .notice .when {
      display: block;
      white-space: normal;
    }
    .notice .title {
      font-weight: 500;
    }
    .notice .title[data-level='CRITICAL'] {
      color: var(--level-critical);
    }
    .notice .body,
    .notice .when {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class NotificationBell {
  private readonly db = inject(Firestore);
  private readonly session = inject(Session);
  private readonly commands = inject(Commands);

  private readonly unreadNotices = liveQuery<{ tenantId: string; uid: string }, Notice[]>({
    params: () => {
      const uid = this.session.user()?.uid;
      // Notifications belong to the user's own tenant (the claim), whatever tenant a platform admin views.
      const tenantId = this.session.claims().tenantId;
      return uid && tenantId ? { tenantId, uid } : undefined;
    },
    watch: ({ tenantId, uid }, next, fail) =>
      onSnapshot(
        query(
          collection(this.db, 'notifications'),
          where('tenantId', '==', tenantId),
          where('recipientUid', '==', uid),
          where('read', '==', false),
          limit(UNREAD_LIMIT),
        ),
        (snap) => next(snap.docs.map((d) => toNotice(d.id, d.data()))),
        fail,
      ),
    initial: [],
  });
  protected readonly notices = this.unreadNotices.value;
  /** The listener's failure or Mark all read's, whichever came last. */
  protected readonly problem = linkedSignal<string | null>(() => {
    this.notices(); // read so that every new snapshot clears an earlier failure
    return this.unreadNotices.error() === null ? null : 'Alerts could not be loaded.';
  });
  protected readonly unread = computed(() => this.notices().length);
  protected readonly badge = computed(() => (this.unread() >= UNREAD_LIMIT ? '99+' : String(this.unread())));
  protected readonly latest = computed(() =>
    [...this.notices()].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)).slice(0, 10),
  );

  protected async markAllRead(): Promise<void> {
    try {
      await this.commands.call('markNotificationsRead', { all: true });
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }
}
