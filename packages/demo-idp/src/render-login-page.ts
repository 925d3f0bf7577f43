const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface LoginPageOptions {
  realm: string;
  action: string;
  username?: string;
  error?: string;
}

/**
 * The sign-in page, shaped like Keycloak's: one form `#kc-form-login` with inputs `username` and
 * `password` and one submit button `#kc-login`, so the same browser test drives both IdPs.
 */
export function renderLoginPage({ realm, action, username = "", error }: LoginPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to ${escapeHtml(realm)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f0f0f0;margin:0}
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:4px;box-shadow:0 1px 3px #0003}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
input[type=submit]{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#0066cc;color:#fff;border:0;border-radius:3px;cursor:pointer}
#input-error{color:#c00;margin:.5rem 0}
</style>
</head>
<body>
<main>
<h1 id="kc-page-title">Sign in to your account</h1>
${error ? `<div id="input-error" role="alert">${escapeHtml(error)}</div>` : ""}
<form id="kc-form-login" action="${escapeHtml(action)}" method="post">
<label for="username">Username or email</label>
<input id="username" name="username" type="text" value="${escapeHtml(username)}" autocomplete="username" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<input id="kc-login" name="login" type="submit" value="Sign In">
</form>
</main>
</body>
</html>`;
}
