/** The tests' oracle of well-formed Unicode, independent of the code under test (which
 * uses String.isWellFormed): encodeURIComponent throws on a lone surrogate. */
export function wellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
