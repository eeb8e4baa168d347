// The Pinning Service API's wire types, taken from the types generated from the spec (`npm run gen:psa`
// writes psa-spec.ts; never edit that file by hand). Both the core and the renderer use these.
import type { components } from './psa-spec.js'

type Schemas = components['schemas']

export type PinStatus = Schemas['PinStatus']
export type Pin = Schemas['Pin']
export type PinResults = Schemas['PinResults']
export type Status = Schemas['Status']
export type TextMatchingStrategy = Schemas['TextMatchingStrategy']
export type PinMeta = Schemas['PinMeta']
export type StatusInfo = Schemas['StatusInfo']
export type Failure = Schemas['Failure']

export const STATUSES: readonly Status[] = ['queued', 'pinning', 'pinned', 'failed']
export const MATCHES: readonly TextMatchingStrategy[] = ['exact', 'iexact', 'partial', 'ipartial']
