import { useEffect, useRef, useState } from 'react';

/**
 * Copies a text shown once (a temporary password, an invitation link): the clipboard API, or, in a
 * non-secure context, the text of `inputRef` selected for Ctrl+C. `copied` stays true 2.5 s.
 */
export function useCopy() {
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      inputRef.current?.select();
      try {
        setCopied(document.execCommand('copy'));
      } catch {
        setCopied(false);
      }
    }
  }
  return { copied, copy, inputRef };
}
