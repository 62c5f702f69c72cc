import { useEffect, useState } from "react";

/** A wait: from when it was learnt to when it ends (epoch ms). */
export interface Wait {
  from: number;
  until: number;
}

/**
 * Whole seconds left of `wait`, 0 once it is over or when there is none; the component
 * re-renders each second meanwhile. Counted from the clock, not by decrementing, so a tab the
 * browser throttled in the background shows the right number when it wakes.
 */
export function useCountdown(wait: Wait | null): number {
  const [tickedAt, setTickedAt] = useState(0);
  useEffect(() => {
    if (wait === null) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setTickedAt(now);
      if (now >= wait.until) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [wait]);
  if (wait === null) return 0;
  // Until the first tick of this wait, the time it was learnt is "now".
  const now = Math.max(tickedAt, wait.from);
  return Math.max(0, Math.ceil((wait.until - now) / 1000));
}
