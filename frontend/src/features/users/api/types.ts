import type { components } from "../../../api/generated/users";
import type { Role } from "../../../lib/auth-store";

type Schemas = components["schemas"];

/**
 * A profile as user_service keeps it (synced from auth_service's accounts). Its schema types
 * `role` as any string (the profile stores what the event said): narrowed here to auth_service's
 * two roles, which are the only ones an event carries.
 */
export type UserProfile = Omit<Schemas["Profile"], "role"> & { role: Role };

/** The fields of a profile an admin edits (PATCH /api/users/{id}/). */
export type ProfileChanges = Schemas["PatchedProfileUpdateRequest"];
