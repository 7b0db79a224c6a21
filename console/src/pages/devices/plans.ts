/** The Configuration service's answers, for the frequency plan and PHY version pickers. */
import { useRequest } from "./shell.ts";

export interface FrequencyPlanDescription {
  id: string;
  base_id?: string;
  name: string;
  base_frequency?: number;
  band_id?: string;
}

/** The stack's frequency plans as Select options grouped by base frequency, and by id. */
export function useFrequencyPlans() {
  const state = useRequest<{ frequency_plans?: FrequencyPlanDescription[] }>(
    "/configuration/frequency-plans",
  );
  const plans = state.data?.frequency_plans ?? [];
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const plan of plans) {
    const group = plan.base_frequency ? `${plan.base_frequency} MHz` : "Other";
    const items = groups.get(group) ?? [];
    items.push({ value: plan.id, label: plan.name || plan.id });
    groups.set(group, items);
  }
  return {
    plans,
    options: [...groups].map(([group, items]) => ({ group, items })),
    byId: new Map(plans.map((plan) => [plan.id, plan])),
    error: state.error,
    loading: state.loading,
  };
}

/** The regional parameters versions of one band (none until a band is known). */
export function useBandVersions(bandId: string | undefined) {
  const state = useRequest<{ version_info?: { band_id: string; phy_versions?: string[] }[] }>(
    bandId ? "/configuration/phy-versions" : null,
    bandId ? { band_id: bandId } : undefined,
  );
  return {
    versions: state.data?.version_info?.find((info) => info.band_id === bandId)?.phy_versions ?? [],
    error: state.error,
    loading: state.loading,
  };
}
