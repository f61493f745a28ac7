// Password checks against an htpasswd file with bcrypt entries (`htpasswd -B`), as OpenShift's
// htpasswd identity provider. Re-read when the file changes, so users can be added without a restart.
import { readFileSync, statSync } from 'node:fs';
import bcrypt from 'bcryptjs';

export interface PasswordChecker {
  /** True when `password` is the user's; false for unknown users and wrong passwords alike. */
  check(userName: string, password: string): Promise<boolean>;
}

// A real hash to compare against for unknown users, so a wrong user name costs as long as a wrong password.
let decoyHash: string | undefined;
const decoy = () => (decoyHash ??= bcrypt.hashSync('not-a-password', 10));

export class HtpasswdFile implements PasswordChecker {
  private readonly path: string;
  private entries = new Map<string, string>();
  private loadedMtime = -1;

  constructor(path: string) {
    this.path = path;
    this.reload();
  }

  async check(userName: string, password: string): Promise<boolean> {
    this.reload();
    const hash = this.entries.get(userName);
    // $2y$ is PHP's name for the same bcrypt variant as $2b$.
    const comparable = hash?.replace(/^\$2y\$/, '$2b$');
    const ok = await bcrypt.compare(password, comparable ?? decoy());
    return hash !== undefined && ok;
  }

  /** Whether the file names the user (whose Basic password is then a password, never a token to ask others about). */
  has(userName: string): boolean {
    this.reload();
    return this.entries.has(userName);
  }

  private reload(): void {
    const mtime = statSync(this.path).mtimeMs;
    if (mtime === this.loadedMtime) return;
    const entries = new Map<string, string>();
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#')) continue;
      const colon = trimmed.indexOf(':');
      if (colon <= 0) continue;
      const hash = trimmed.slice(colon + 1);
      if (/^\$2[aby]\$\d\d\$/.test(hash)) entries.set(trimmed.slice(0, colon), hash);
    }
    this.entries = entries;
    this.loadedMtime = mtime;
  }
}
