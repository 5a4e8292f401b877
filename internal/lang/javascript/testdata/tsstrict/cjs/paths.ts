function clean(p: string): string {
  const trimmed = p.trim();
  return trimmed;
}

export = { clean };
