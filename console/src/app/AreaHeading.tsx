import { PageHeader } from "../components/PageHeader";

/** The first page of an area: its title (the area's own pages replace it). */
export function AreaHeading({ title, description }: { title: string; description?: string }) {
  return <PageHeader title={title} {...(description ? { description } : {})} />;
}
