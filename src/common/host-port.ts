// "ADDR:PORT" (config values, ss peers, checkpoints) split at the last colon. Inputs are IPv4
// endpoints already validated where they entered; this only takes them apart.
export const splitHostPort = (text: string): { host: string; port: number } => {
  const cut = text.lastIndexOf(':');
  return { host: text.slice(0, cut), port: Number(text.slice(cut + 1)) };
};
