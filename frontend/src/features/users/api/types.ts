import type { components } from "../../../api/generated/users";

export type { UserProfile } from "../../../api/users/types";

/** The fields of a profile an admin edits (PATCH /api/users/{id}/). */
export type ProfileChanges = components["schemas"]["PatchedProfileUpdateRequest"];
