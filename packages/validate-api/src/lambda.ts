// Placeholder until the handler lands.
export async function handler(): Promise<{ statusCode: number }> {
  return { statusCode: 501 };
}
