import type { InputHTMLAttributes, ReactNode } from "react";
import { Button, Field } from "./ui.tsx";

type InputAttributes = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & {
  "data-testid"?: string;
};

/** One labelled text input with the button that acts on it, side by side. */
export function InputWithAction(props: {
  label: string;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  input?: InputAttributes;
  action: ReactNode;
  disabled?: boolean;
  onAction: () => void;
  actionTestId?: string;
}) {
  return (
    <div className="form-row">
      <Field label={props.label} hint={props.hint}>
        <input
          {...props.input}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </Field>
      <Button disabled={props.disabled} onClick={props.onAction} testId={props.actionTestId}>
        {props.action}
      </Button>
    </div>
  );
}

/** A labelled set of checkboxes, one per option, ticked when the option is chosen. */
export function CheckGroup<Option extends string>(props: {
  label: string;
  options: readonly Option[];
  chosen: Option[];
  onToggle: (option: Option) => void;
  testIdOf?: (option: Option) => string;
}) {
  return (
    <div className="field">
      <span className="field-label">{props.label}</span>
      <div className="checks">
        {props.options.map((option) => (
          <label key={option} className="check">
            <input
              type="checkbox"
              checked={props.chosen.includes(option)}
              onChange={() => props.onToggle(option)}
              data-testid={props.testIdOf?.(option)}
            />
            {option}
          </label>
        ))}
      </div>
    </div>
  );
}

/** The list with the value added, or without it when it was already there. */
export function toggled<Value>(list: Value[], value: Value): Value[] {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

/** A select that narrows a list, with a first option meaning "no narrowing". */
export function FilterSelect<Value extends string>(props: {
  value: Value | "";
  onChange: (value: Value | "") => void;
  all: string;
  options: readonly Value[];
  labelOf?: (value: Value) => string;
  testId?: string;
}) {
  return (
    <select
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as Value | "")}
      data-testid={props.testId}
    >
      <option value="">{props.all}</option>
      {props.options.map((option) => (
        <option key={option} value={option}>
          {props.labelOf?.(option) ?? option}
        </option>
      ))}
    </select>
  );
}
