/**
 * A person on the web, over real HTTP: signs in through a `/rfc web` link (GET shows the form,
 * POST redeems it) and keeps the session cookie; reads the form token from the pages it gets.
 */
export interface WebResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** The sign-in URL in a `/rfc web` answer. */
export function linkIn(answer: string): string {
  const m = /(https?:\/\/\S+\/signin\?token=[\w-]+)/.exec(answer);
  if (!m) throw new Error(`no sign-in link in: ${answer}`);
  return m[1] as string;
}

/** The hidden `_csrf` value of the first form on a page. */
export function csrfIn(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no form token on the page');
  return m[1] as string;
}

export class WebClient {
  /** The session cookie (`changebot_session=...`) as sent, or undefined when there is none. */
  cookie: string | undefined;
  /** Other cookies the bot set (the one-time form outcome), by name. */
  private readonly others = new Map<string, string>();
  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<WebResponse> {
    const res = await fetch(new URL(path, this.base), { headers: { ...this.cookieHeader(), ...headers }, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** Posts a form (urlencoded), as a browser does. */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<WebResponse> {
    const res = await fetch(new URL(path, this.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** Opens a sign-in link and posts its form; resolves with the answer to the post (303 when it worked). */
  async signIn(link: string): Promise<WebResponse> {
    const url = new URL(link);
    const shown = await this.get(url.pathname + url.search);
    if (shown.status !== 200) return shown;
    const token = /name="token" value="([^"]+)"/.exec(shown.text)?.[1] ?? '';
    const next = /name="next" value="([^"]+)"/.exec(shown.text)?.[1] ?? '/calendar';
    return this.post('/signin', { token, next });
  }

  private cookieHeader(): Record<string, string> {
    const all = [...(this.cookie ? [this.cookie] : []), ...[...this.others].map(([k, v]) => `${k}=${v}`)];
    return all.length ? { cookie: all.join('; ') } : {};
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (name === 'changebot_session') this.cookie = value ? pair : undefined;
      else if (value) this.others.set(name, value);
      else this.others.delete(name);
    }
  }
}
