import { Select, TextInput } from "@mantine/core";
import { errorMessage } from "../../api/client";
import { useRequest } from "../../api/hooks";

type Plans = { frequency_plans?: { id: string; name?: string; base_frequency?: number }[] };

/**
 * Picks a gateway frequency plan from the Configuration service
 * (`GET /configuration/frequency-plans?gateways_only=true`). When the service cannot be reached
 * the plan ID can still be typed, with the reason shown.
 */
export function FrequencyPlanSelect({
  value,
  onChange,
  error,
  required,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: React.ReactNode;
  required?: boolean;
}) {
  const plans = useRequest<Plans>("/configuration/frequency-plans", { gateways_only: true });
  if (plans.error !== undefined)
    return (
      <TextInput
        label="Frequency plan"
        required={required}
        description={`Type the plan ID (the list is unavailable: ${errorMessage(plans.error)})`}
        placeholder="EU_863_870_TTN"
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        error={error}
      />
    );
  const data = (plans.data?.frequency_plans ?? [])
    .filter((plan) => typeof plan?.id === "string")
    .map((plan) => ({ value: plan.id, label: plan.name ? `${plan.name} (${plan.id})` : plan.id }));
  return (
    <Select
      label="Frequency plan"
      required={required}
      placeholder={plans.loading ? "Loading frequency plans…" : "Select a frequency plan"}
      searchable
      nothingFoundMessage="No matching frequency plan"
      data={data}
      value={value === "" ? null : value}
      onChange={(picked) => onChange(picked ?? "")}
      error={error}
    />
  );
}
