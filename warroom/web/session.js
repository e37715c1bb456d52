// Who is signed in (GET /v1/me) and what the page may offer them.
import { get } from "./api.js";

export const session = { me: null };

/** Ask the API who the key belongs to; throws ApiError (401) for a bad key. */
export async function signIn() {
  session.me = await get("/v1/me");
  return session.me;
}

/** May the caller do ``permission`` (for ``shop``, when the key is scoped to shops)? */
export function may(permission, shop) {
  const me = session.me;
  if (!me || !me.may[permission]) return false;
  return shop === undefined || me.shops === null || me.shops.includes(shop);
}
