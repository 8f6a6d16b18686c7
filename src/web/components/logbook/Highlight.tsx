import { highlightParts } from './highlight';

/** A search snippet with its matches in <mark> (text only, no HTML). */
export function Highlight({ snippet }: { snippet: string }) {
  return (
    <>
      {highlightParts(snippet).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
