# The realm of the site: a confidential OpenID Connect client for the edge function (authorization code
# flow with PKCE S256 only), the audience mapper, realm roles and optionally users.

locals {
  site_url                  = "https://${var.domain}"
  redirect_uri              = "${local.site_url}${var.callback_path}"
  post_logout_redirect_uris = [for path in var.post_logout_redirect_paths : "${local.site_url}${path}"]
  # Users are looked up by name; only the names are needed to decide who gets a password.
  users_with_password = nonsensitive(toset(keys(var.user_initial_passwords)))
  user_roles          = { for name, user in var.users : name => user.roles if length(user.roles) > 0 }
}

resource "keycloak_realm" "this" {
  realm        = var.realm
  enabled      = true
  display_name = coalesce(var.realm_display_name, var.realm)

  ssl_required                = "external"
  registration_allowed        = false
  reset_password_allowed      = true
  login_with_email_allowed    = true
  duplicate_emails_allowed    = false
  access_token_lifespan       = var.access_token_lifespan
  sso_session_idle_timeout    = var.sso_session_idle_timeout
  sso_session_max_lifespan    = var.sso_session_max_lifespan
  default_signature_algorithm = "RS256"

  security_defenses {
    brute_force_detection {
      permanent_lockout  = false
      max_login_failures = var.max_login_failures
    }
  }
}

resource "keycloak_openid_client" "this" {
  realm_id    = keycloak_realm.this.id
  client_id   = var.client_id
  name        = "Static site (${var.domain})"
  enabled     = true
  access_type = "CONFIDENTIAL"

  # Authorization code flow only.
  standard_flow_enabled        = true
  implicit_flow_enabled        = false
  direct_access_grants_enabled = false
  service_accounts_enabled     = false
  pkce_code_challenge_method   = var.pkce_method

  root_url                        = local.site_url
  valid_redirect_uris             = [local.redirect_uri]
  valid_post_logout_redirect_uris = local.post_logout_redirect_uris
  # The edge function talks to Keycloak server to server; browsers never call it cross-origin.
  web_origins = []
}

# Keycloak does not put the client id into the access token's aud by default; the validation API checks
# aud, so this mapper adds it (the 2020 set-up clicked this by hand).
resource "keycloak_openid_audience_protocol_mapper" "this" {
  realm_id  = keycloak_realm.this.id
  client_id = keycloak_openid_client.this.id
  name      = "audience-${var.client_id}"

  included_client_audience = keycloak_openid_client.this.client_id
  add_to_access_token      = true
  add_to_id_token          = false
}

resource "keycloak_role" "this" {
  for_each = toset(var.roles)

  realm_id    = keycloak_realm.this.id
  name        = each.key
  description = "Realm role ${each.key} (static-site-sso)"
}

resource "keycloak_user" "this" {
  for_each = var.users

  realm_id       = keycloak_realm.this.id
  username       = each.key
  enabled        = true
  email          = each.value.email
  email_verified = true
  first_name     = each.value.first_name
  last_name      = each.value.last_name

  dynamic "initial_password" {
    for_each = contains(local.users_with_password, each.key) ? [each.key] : []

    content {
      value     = var.user_initial_passwords[initial_password.value]
      temporary = true
    }
  }

  lifecycle {
    ignore_changes = [initial_password]
  }
}

resource "keycloak_user_roles" "this" {
  for_each = local.user_roles

  realm_id = keycloak_realm.this.id
  user_id  = keycloak_user.this[each.key].id
  role_ids = [for role in each.value : keycloak_role.this[role].id]
  # Not exhaustive: keep the realm's default roles (default-roles-<realm>) on the user.
  exhaustive = false

  lifecycle {
    # Checked before role_ids is evaluated, so a typo names the role instead of failing on an index.
    precondition {
      condition     = alltrue([for role in each.value : contains(var.roles, role)])
      error_message = "users[\"${each.key}\"].roles names roles that var.roles does not create: ${join(", ", [for role in each.value : role if !contains(var.roles, role)])}."
    }
  }
}
