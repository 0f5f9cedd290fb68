import { Prng } from './prng';
import { ORG_SCENARIOS } from './scenarios-org';
import { REPO_SCENARIOS } from './scenarios-repos';
import { WORK_SCENARIOS } from './scenarios-work';
import { initialState, type DemoAction, type DemoPath, type ScenarioContext, type TenantState } from './state';
import type { DemoWorld } from './world';

const SCENARIOS = { ...REPO_SCENARIOS, ...WORK_SCENARIOS, ...ORG_SCENARIOS };
export type ScenarioName = keyof typeof SCENARIOS;

/**
 * How often each scenario happens, relative to the others. Routine work dominates; the CRITICAL
 * ones (a private repository made public, a role raised to admin, an admin permission) are rare.
 */
export const SCENARIO_WEIGHTS: Readonly<Record<ScenarioName, number>> = {
  repoCreated: 4,
  repoSettingsUpdated: 3,
  repoMadePublic: 0.6,
  repoMadePrivate: 0.4,
  repoDeleted: 0.5,
  collaboratorAdded: 2,
  permissionChanged: 1,
  issueCreated: 6,
  issueActivity: 10,
  issueClosed: 3,
  prOpened: 4,
  prReview: 6,
  ciActivity: 6,
  prMerged: 3,
  memberAdded: 1.5,
  memberRemoved: 0.5,
  roleRaisedToAdmin: 0.4,
  settingsUpdated: 0.8,
  integrations: 1.5,
  permissionAllowed: 8,
  permissionDenied: 2.5,
  repeatedDenials: 0.4,
  signIn: 4,
  signInFailed: 2,
  session: 4,
};

export interface TrafficOptions {
  world: DemoWorld;
  seed: number;
  /**
   * With a start time, events occur at `startTime + n * stepMs` (deterministic runs; keep it in
   * the past, the contract refuses events more than 5 minutes ahead). Without, at the real time.
   */
  startTime?: Date;
  stepMs?: number;
  /**
   * Occurrence time of each event, asked once per event (the history generator's simulated
   * clock); overrides `startTime`.
   */
  clock?: () => string;
  /** Prefix of event ids; default `s<seed>`. Same seed and run id → the same events. */
  runId?: string;
  /** Send every event on this path (benchmarks); business writes are kept only on the outbox path. */
  path?: DemoPath;
  /** Include sign-ins against the Auth emulator; default true unless a path is forced. */
  includeSignIns?: boolean;
}

/**
 * The demo's traffic: an endless, seeded stream of actions in three organisations. Pure: it only
 * decides what happens; `DemoDispatcher` makes it happen on the emulators.
 */
export class TrafficGenerator {
  private readonly rng: Prng;
  private readonly states: TenantState[];
  private readonly tenantWeights: Record<string, number>;
  private readonly runId: string;
  private readonly includeSignIns: boolean;
  private eventCount = 0;

  constructor(private readonly options: TrafficOptions) {
    this.rng = new Prng(options.seed);
    this.states = options.world.tenants.map((t) => initialState(options.world, t));
    // The first organisation is the busiest, as in any real installation.
    this.tenantWeights = Object.fromEntries(this.states.map((s, i) => [s.tenant.id, [5, 3, 2][i % 3]!]));
    this.runId = options.runId ?? `s${options.seed}`;
    this.includeSignIns = options.includeSignIns ?? options.path === undefined;
  }

  /** Events produced so far (each id is `<runId>-<n>`). */
  get events(): number {
    return this.eventCount;
  }

  next(): DemoAction {
    const tenantId = this.rng.weighted(this.tenantWeights);
    const state = this.states.find((s) => s.tenant.id === tenantId)!;
    const ctx = this.context(state);
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = this.rng.weighted(SCENARIO_WEIGHTS);
      if (!this.includeSignIns && (name === 'signIn' || name === 'signInFailed')) continue;
      const action = SCENARIOS[name](ctx);
      if (action) return this.route(action);
    }
    // An organisation with nothing in it yet: it starts with a repository.
    return this.route(REPO_SCENARIOS.repoCreated(ctx)!);
  }

  take(count: number): DemoAction[] {
    return Array.from({ length: count }, () => this.next());
  }

  private context(state: TenantState): ScenarioContext {
    const { startTime, stepMs = 50, clock } = this.options;
    return {
      state,
      rng: this.rng,
      at: () => {
        if (clock) return clock();
        return startTime
          ? new Date(startTime.getTime() + this.eventCount * stepMs).toISOString()
          : new Date().toISOString();
      },
      eventId: () => `${this.runId}-${++this.eventCount}`,
    };
  }

  private route(action: DemoAction): DemoAction {
    const path = this.options.path;
    if (!path || action.kind !== 'events') return action;
    return { ...action, path, writes: path === 'outbox' ? action.writes : [] };
  }
}
