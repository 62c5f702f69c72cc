import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { MeterKey } from "./types";

/** A new meter key for the device (the first, or a rotation: the old one stops at once). */
export function issueMeterKey(id: string): Promise<MeterKey> {
  return apiFetch<MeterKey>(`/api/devices/${id}/credentials/`, { method: "POST" });
}

/** The device's meter key stops working; its connections are closed. */
export function revokeMeterKey(id: string): Promise<void> {
  return apiFetch(`/api/devices/${id}/credentials/`, { method: "DELETE" });
}

export function useIssueMeterKey() {
  return useMutation({ mutationFn: issueMeterKey });
}

export function useRevokeMeterKey() {
  return useMutation({ mutationFn: revokeMeterKey });
}
