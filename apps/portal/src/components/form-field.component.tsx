'use client';
import { cloneElement, createContext, isValidElement, useContext, type ReactElement, type ReactNode } from 'react';

/** Per-field errors and the submitted values of the surrounding ActionForm. */
export const FormStateContext = createContext<{ errors: Record<string, string>; values: Record<string, string> }>({ errors: {}, values: {} });

type InputProps = {
  type?: string;
  required?: boolean;
  placeholder?: string;
  defaultValue?: string;
  pattern?: string;
  maxLength?: number;
  className?: string;
};

/**
 * A labelled input (or the given select/textarea) that shows its own validation error: `aria-invalid` and an
 * error line the control is described by, so screen readers announce what to fix where it is.
 */
export function FormField({ id, name, label, help, optional, children, defaultValue, ...input }: InputProps & {
  id: string;
  name: string;
  label: ReactNode;
  help?: ReactNode;
  /** Marks the label "(optional)". */
  optional?: boolean;
  /** A control named `name` with id `id`, instead of a text input. */
  children?: ReactElement<Record<string, unknown>>;
}) {
  const { errors, values } = useContext(FormStateContext);
  const error = errors[name];
  const value = values[name] ?? defaultValue;
  const a11y = { 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined };
  const control = isValidElement(children) ? (
    // Keyed by the value so an uncontrolled select takes a returned value as its new default.
    cloneElement(children, { ...a11y, key: value ?? '', ...(value !== undefined ? { defaultValue: value } : {}) })
  ) : (
    <input id={id} name={name} autoComplete="off" {...input} defaultValue={input.type === 'password' ? undefined : value} {...a11y} />
  );
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} {optional ? <span className="help">(optional)</span> : null}
      </label>
      {control}
      {help ? <span className="help">{help}</span> : null}
      {error ? (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** A labelled checkbox that keeps what the operator chose when the form comes back refused. */
export function FormCheckbox({ name, label, defaultChecked }: { name: string; label: ReactNode; defaultChecked?: boolean }) {
  const { values } = useContext(FormStateContext);
  // A refused form's values list every submitted input; an unchecked box is simply missing from them.
  const checked = Object.keys(values).length > 0 ? values[name] === 'on' : defaultChecked;
  return (
    <label className="form-row small" style={{ alignItems: 'center' }}>
      <input key={String(checked)} type="checkbox" name={name} defaultChecked={checked} /> {label}
    </label>
  );
}
