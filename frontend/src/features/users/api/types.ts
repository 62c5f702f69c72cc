import type { Role } from "../../../lib/auth-store";

/** A profile as user_service keeps it (synced from auth_service's accounts). */
export interface UserProfile {
  id: string;
  username: string;
  role: Role;
  full_name: string;
  email: string;
  created_at: string;
}
