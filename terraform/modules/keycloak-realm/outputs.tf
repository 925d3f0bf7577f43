output "realm_id" {
  description = "ID of the realm."
  value       = keycloak_realm.this.id
}

output "realm" {
  description = "Name of the realm."
  value       = keycloak_realm.this.realm
}

output "issuer_url" {
  description = "OpenID Connect issuer of the realm (<keycloak_url>/realms/<realm>)."
  value       = "${var.keycloak_url}/realms/${keycloak_realm.this.realm}"
}

output "client_id" {
  description = "Client id of the site's client."
  value       = keycloak_openid_client.this.client_id
}

output "client_secret" {
  description = "Secret of the site's confidential client. Sensitive: pass it straight to the edge-auth module, never to a root output."
  value       = keycloak_openid_client.this.client_secret
  sensitive   = true
}

output "redirect_uri" {
  description = "The client's only valid redirect URI."
  value       = local.redirect_uri
}

output "role_ids" {
  description = "IDs of the realm roles, by name."
  value       = { for name, role in keycloak_role.this : name => role.id }
}
