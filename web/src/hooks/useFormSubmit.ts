import { useState, type FormEvent } from 'react';

/**
 * A form's submit: field errors are shown only after the first attempt, and `onSubmit` runs
 * only when there are none (the form then starts quiet again).
 */
export function useFormSubmit<E extends object>(errors: E, onSubmit: () => void) {
  const [submitted, setSubmitted] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0) return;
    setSubmitted(false);
    onSubmit();
  };
  const shown: Partial<E> = submitted ? errors : {};
  return { shown, submit };
}
