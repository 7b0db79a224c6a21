import { join, resolve } from "node:path";
import {
  frequencyPlans as builtInPlans,
  errFrequencyPlanNotFound,
  type FrequencyPlan,
} from "../lorawan/frequency-plans/index.ts";
import { errBuiltinPlanReplaced } from "./errors.ts";
import { indexFileName, loadFrequencyPlanDirectory } from "./load.ts";

/** Where plans come from besides the built-in ones (`frequency_plans.*`). */
export interface FrequencyPlansOptions {
  /** A folder in The Things Stack's format; `""` for built-in plans only. */
  directory: string;
  /**
   * Whether a plan in `directory` may replace the built-in plan of the same id. Off by
   * default, so that a copied plan file cannot silently change a plan every gateway and device
   * of that id uses.
   */
  replaceBuiltin: boolean;
}

/**
 * The frequency plans a process knows, by id: the built-in plans and the operator's, loaded
 * once at start-up. Plans are frozen: every user of a plan sees the same values.
 */
export class FrequencyPlans {
  readonly #plans: readonly FrequencyPlan[];
  readonly #byId: ReadonlyMap<string, FrequencyPlan>;

  /** The given plans, in order; ids must be unique. */
  constructor(plans: Iterable<FrequencyPlan>) {
    const list = [...plans].map(deepFreeze);
    const byId = new Map<string, FrequencyPlan>();
    for (const plan of list) {
      if (byId.has(plan.id)) throw new Error(`frequency plan ${plan.id} is listed twice`);
      byId.set(plan.id, plan);
    }
    this.#plans = list;
    this.#byId = byId;
  }

  /** The built-in plans only. */
  static builtIn(): FrequencyPlans {
    return new FrequencyPlans(builtInPlans);
  }

  /**
   * The built-in plans plus those of `options.directory`. An operator plan with a built-in id
   * replaces it in place when `replaceBuiltin` is set and is an error otherwise; new ids follow
   * the built-in plans in index order. A bad folder or file is a typed configuration error.
   */
  static async load(options: FrequencyPlansOptions): Promise<FrequencyPlans> {
    if (options.directory === "") return FrequencyPlans.builtIn();
    const builtIn = new Map(builtInPlans.map((plan) => [plan.id, plan]));
    const loaded = await loadFrequencyPlanDirectory(options.directory, builtIn);
    const replaced = new Map<string, FrequencyPlan>();
    const added: FrequencyPlan[] = [];
    for (const { plan } of loaded) {
      if (!builtIn.has(plan.id)) {
        added.push(plan);
        continue;
      }
      if (!options.replaceBuiltin)
        throw errBuiltinPlanReplaced.create({
          file: join(resolve(options.directory), indexFileName),
          id: plan.id,
        });
      replaced.set(plan.id, plan);
    }
    return new FrequencyPlans([
      ...builtInPlans.map((plan) => replaced.get(plan.id) ?? plan),
      ...added,
    ]);
  }

  /** The plan with identifier `id`, or `undefined`. */
  find(id: string): FrequencyPlan | undefined {
    return this.#byId.get(id);
  }

  /** The plan with identifier `id`; a typed `not_found` error when there is none. */
  get(id: string): FrequencyPlan {
    const plan = this.#byId.get(id);
    if (plan === undefined) throw errFrequencyPlanNotFound.create({ id });
    return plan;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Every plan: the built-in ones in their order, then the operator's new ones. */
  list(): readonly FrequencyPlan[] {
    return this.#plans;
  }
}

/** Freezes plan data so that no component can change a plan for the others. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
