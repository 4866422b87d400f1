'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';

/** A labelled select that rewrites one search parameter of the current URL (state stays addressable). */
export function SearchParamSelect({ name, label, value, options, reset = [] }: {
  name: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  /** Parameters that no longer apply once this one changes (e.g. a cursor). */
  reset?: string[];
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const id = `sp-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const next = new URLSearchParams(params.toString());
          if (e.target.value) next.set(name, e.target.value);
          else next.delete(name);
          for (const r of reset) next.delete(r);
          router.push(`${pathname}?${next.toString()}`);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
