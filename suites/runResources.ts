// What the checks of one run share and must release at its end: the AWS inventory and read-only clients.
// One run's resources are never another's, so no stack is ever read with another stack's credentials.

type Release = () => void | Promise<void>;

export class RunResources {
  private readonly values = new Map<string, unknown>();
  private readonly releases: Release[] = [];

  /** `registerRelease` hands the release of everything to the runner (vitest's afterAll for a suite file). */
  constructor(registerRelease?: (release: Release) => void) {
    registerRelease?.(() => this.releaseAll());
  }

  /** The value shared under `key`, created on first use; `release` runs when the run ends. */
  shared<T>(key: string, create: () => T, release: (value: T) => void | Promise<void>): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = create();
    this.values.set(key, value);
    this.releases.push(() => release(value));
    return value;
  }

  async releaseAll(): Promise<void> {
    const releases = this.releases.splice(0);
    this.values.clear();
    for (const release of releases.reverse()) {
      try {
        await release();
      } catch {
        // Releasing sockets must not turn a finished run into a failed one.
      }
    }
  }
}
