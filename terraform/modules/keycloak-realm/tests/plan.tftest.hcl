# Plan-only tests with a mocked provider: no Keycloak needed, but `terraform init` must be able to
# download the provider. Run with `terraform init -backend=false && terraform test` in this folder.

mock_provider "keycloak" {}

variables {
  keycloak_url = "https://sso.example.com"
  domain       = "www.example.com"
}

run "allows_logout_to_the_root_by_default" {
  command = plan

  assert {
    condition     = keycloak_openid_client.this.valid_post_logout_redirect_uris == toset(["https://www.example.com/"])
    error_message = "By default the IdP may send the browser back to the site's root after logout."
  }
}

run "allows_logout_to_every_listed_path" {
  command = plan

  variables {
    post_logout_redirect_paths = ["/", "/goodbye.html"]
  }

  assert {
    condition     = keycloak_openid_client.this.valid_post_logout_redirect_uris == toset(["https://www.example.com/", "https://www.example.com/goodbye.html"])
    error_message = "Every path becomes https://<domain><path>."
  }
}

run "gives_users_the_roles_it_creates" {
  command = plan

  variables {
    users = {
      alice = { email = "alice@example.com", roles = ["staff"] }
    }
  }

  assert {
    condition     = length(keycloak_user_roles.this) == 1
    error_message = "alice gets the staff role."
  }
}

run "refuses_a_user_role_it_does_not_create" {
  command = plan

  variables {
    users = {
      alice = { email = "alice@example.com", roles = ["admin"] }
    }
  }

  expect_failures = [keycloak_user_roles.this]
}

run "makes_the_site_a_confidential_code_flow_client_with_pkce" {
  command = plan

  assert {
    condition     = keycloak_openid_client.this.access_type == "CONFIDENTIAL" && keycloak_openid_client.this.standard_flow_enabled && !keycloak_openid_client.this.implicit_flow_enabled && !keycloak_openid_client.this.direct_access_grants_enabled && !keycloak_openid_client.this.service_accounts_enabled && keycloak_openid_client.this.pkce_code_challenge_method == "S256"
    error_message = "Code flow with PKCE S256 only: no implicit flow, no password grant, no service account."
  }

  assert {
    condition     = keycloak_openid_client.this.valid_redirect_uris == toset(["https://www.example.com/_auth/callback"])
    error_message = "The IdP redirects only to the edge's callback on the site's domain."
  }

  assert {
    condition     = keycloak_openid_audience_protocol_mapper.this.included_client_audience == "static-site" && keycloak_openid_audience_protocol_mapper.this.add_to_access_token
    error_message = "The client id goes into the access token's aud, which the validation API requires."
  }
}

run "refuses_logout_redirects_off_the_site" {
  command = plan

  variables {
    post_logout_redirect_paths = ["//evil.example"]
  }

  expect_failures = [var.post_logout_redirect_paths]
}

run "refuses_wildcard_logout_redirects" {
  command = plan

  variables {
    post_logout_redirect_paths = ["/*"]
  }

  expect_failures = [var.post_logout_redirect_paths]
}
