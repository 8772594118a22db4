/**
 * Small pieces every panel uses, written once so the panels look and read alike: the error
 * message, a number typed or dragged, a slider with its value beside it.
 */
import type { ComponentChildren } from 'preact';

/**
 * An error message (`<p class="error" role="alert">`): screen readers say it as soon as it
 * appears. Renders nothing while `children` is empty, so `<Alert>{error}</Alert>` is enough.
 * `live={false}` for a message that stands from the start (a server that did not answer the
 * page's first request) rather than one that answers what the user just did.
 *
 *   <Alert>{error}</Alert>   // error === '' → nothing; 'bad seed' → <p class="error" role="alert">bad seed</p>
 */
export function Alert({ children, live = true }: { children: ComponentChildren; live?: boolean }) {
  if (children === '' || children === null || children === undefined || children === false) return null;
  return (
    <p class="error" role={live ? 'alert' : undefined}>
      {children}
    </p>
  );
}

interface NumberSliderProps {
  /** The number box's label; the slider is labelled `<label> slider` (visually hidden). */
  label: string;
  min: number;
  max: number;
  step: number;
  /** As typed: '' means unset (the provider's default). */
  value: string;
  /** Where the slider sits while the box is empty: the default the empty box stands for. */
  empty: string;
  onInput: (value: string) => void;
}

/**
 * A number box for the exact value and a range slider beside it, both on one value (the Groq
 * playground's Temperature and Top P).
 *
 *   <NumberSlider label="Top P" min={0} max={1} step={0.01} value={topP} empty="1" onInput={setTopP} />
 */
export function NumberSlider({ label, min, max, step, value, empty, onInput }: NumberSliderProps) {
  return (
    <>
      <label>
        {label}
        <input
          type="number"
          min={min}
          max={max}
          step={step}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </label>
      <label>
        <span class="visually-hidden">{label} slider</span>
        <input
          type="range"
          min={min}
          max={max}
          step={step}
          value={value || empty}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </label>
    </>
  );
}

interface KnobProps {
  /** The slider's label. */
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  /** The value as the `<output>` beside the slider shows it. */
  shown: string;
  /** What a screen reader says for the value, when the number alone says it wrong (0 = "off"). */
  valueText?: string;
  onInput: (value: number) => void;
}

/**
 * A labelled range slider with its value in an `<output>` beside it (`<div class="knob">`): for
 * values one drags through and watches the chart follow, rather than types.
 *
 *   <Knob label="Top-p" min={0.05} max={1} step={0.05} value={topP} shown={topP.toFixed(2)} onInput={setTopP} />
 */
export function Knob({ label, min, max, step, value, shown, valueText, onInput }: KnobProps) {
  return (
    <div class="knob">
      <label>
        {label}
        <input
          type="range"
          min={min}
          max={max}
          step={step}
          value={value}
          aria-valuetext={valueText}
          onInput={(e) => onInput(Number(e.currentTarget.value))}
        />
      </label>
      <output>{shown}</output>
    </div>
  );
}

interface TextFieldProps {
  label: string;
  /** The box's width in characters. */
  size: number;
  value: string;
  disabled?: boolean;
  onInput: (e: Event) => void;
}

/**
 * A labelled text box for a setting typed as text and checked when it is used (a number, a list
 * of layer sizes), so a half-typed value is never rejected while typing.
 *
 *   <TextField label="Learning rate" size={6} value={s.learningRate} onInput={set('learningRate')} />
 */
export function TextField({ label, size, value, disabled, onInput }: TextFieldProps) {
  return (
    <label>
      {label}
      <input size={size} value={value} disabled={disabled} onInput={onInput} />
    </label>
  );
}
