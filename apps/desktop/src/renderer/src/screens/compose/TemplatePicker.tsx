import { Empty, ErrorNote, Field } from "../../components/ui.tsx";

/**
 * The approved templates of one channel to choose from, with the load error or a note that
 * there are none yet.
 */
export function TemplatePicker<Template extends { name: string }>(props: {
  channel: string;
  templates: { data: Template[] | undefined; error: unknown };
  value: string;
  onChoose: (name: string) => void;
  labelOf?: (template: Template) => string;
  testId: string;
}) {
  const { data } = props.templates;
  return (
    <>
      <Field label={`Approved ${props.channel} template`}>
        <select
          value={props.value}
          onChange={(e) => props.onChoose(e.target.value)}
          data-testid={props.testId}
        >
          <option value="">Choose…</option>
          {(data ?? []).map((t) => (
            <option key={t.name} value={t.name}>
              {props.labelOf?.(t) ?? t.name}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNote error={props.templates.error} />
      {data && data.length === 0 ? <Empty>No approved {props.channel} templates yet.</Empty> : null}
    </>
  );
}
