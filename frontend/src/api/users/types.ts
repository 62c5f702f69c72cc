import type { Role } from "../../lib/auth-store";
import type { components } from "../generated/users";

/**
 * A profile as user_service keeps it (synced from auth_service's accounts). Its schema types
 * `role` as any string (the profile stores what the event said): narrowed here to auth_service's
 * two roles, which are the only ones an event carries.
 */
export type UserProfile = Omit<components["schemas"]["Profile"], "role"> & { role: Role };
