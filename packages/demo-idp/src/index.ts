export { loadRealm, type Realm, type RealmClient, type RealmUser } from "./load-realm.js";
export { DEFAULT_REALM_FILE, type DemoIdp, type DemoIdpOptions, startDemoIdp } from "./start-demo-idp.js";
