// What the screens share: the list of profiles and which one the user works with.

import { call } from "./ipc.js";

const state = {
  profiles: [],
  loaded: false,
  error: null,
};

const listeners = new Set();

export function profiles() {
  return state.profiles;
}

export function profilesLoaded() {
  return state.loaded;
}

export function profilesError() {
  return state.error;
}

export function profileById(id) {
  return state.profiles.find((p) => p.id === id) || null;
}

/** Profiles by most recent use first. */
export function sortedProfiles() {
  return [...state.profiles].sort((a, b) => (b.lastUsedAt || 0) - (a.lastUsedAt || 0));
}

export function onProfilesChanged(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit() {
  for (const fn of listeners) fn(state.profiles);
}

export async function refreshProfiles() {
  try {
    state.profiles = await call("list_profiles");
    state.error = null;
  } catch (err) {
    state.error = err;
  }
  state.loaded = true;
  emit();
  return state.profiles;
}

/** Replaces (or adds) one profile as a command returned it. */
export function upsertProfile(view) {
  const index = state.profiles.findIndex((p) => p.id === view.id);
  if (index >= 0) state.profiles[index] = view;
  else state.profiles.push(view);
  emit();
}

export function removeProfile(id) {
  state.profiles = state.profiles.filter((p) => p.id !== id);
  emit();
}

export function isDemo(profile) {
  return !!profile && profile.environment && profile.environment.kind === "demo";
}
