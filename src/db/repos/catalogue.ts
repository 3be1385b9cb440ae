import { asc, eq, sql } from 'drizzle-orm';
import type { BlackoutWindow, MaintenanceWindow, Service } from '../../domain/types.js';
import type { Db } from '../client.js';
import { preparedPer } from '../prepared.js';
import { noteScheduleWrite } from '../schedule-version.js';
import { blackoutWindows, maintenanceWindows, services, settings } from '../schema.js';

const allServices = preparedPer((db) => db.select().from(services).orderBy(asc(services.name)).prepare());
const allMaintenance = preparedPer((db) => db.select().from(maintenanceWindows).orderBy(asc(maintenanceWindows.id)).prepare());

export function listServices(db: Db): Service[] {
  return allServices(db).all();
}

/** Service names are matched without regard to case (`DB` finds `db`). */
export function findService(db: Db, name: string): Service | null {
  return db.select().from(services).where(sql`lower(${services.name}) = lower(${name})`).get() ?? null;
}

export function upsertService(db: Db, s: Service): void {
  noteScheduleWrite();
  db.insert(services).values(s).onConflictDoUpdate({ target: services.name, set: s }).run();
}

export function removeService(db: Db, name: string): boolean {
  noteScheduleWrite();
  return (db.delete(services).where(eq(services.name, name)).run() as { changes: number }).changes > 0;
}

export function listMaintenance(db: Db): MaintenanceWindow[] {
  return allMaintenance(db).all();
}

export function addMaintenance(db: Db, w: Omit<MaintenanceWindow, 'id'>): MaintenanceWindow {
  noteScheduleWrite();
  return db.insert(maintenanceWindows).values(w).returning().get();
}

export function removeMaintenance(db: Db, id: number): boolean {
  noteScheduleWrite();
  return (db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, id)).run() as { changes: number }).changes > 0;
}

const allBlackouts = preparedPer((db) => db.select().from(blackoutWindows).orderBy(asc(blackoutWindows.startAt)).prepare());

export function listBlackouts(db: Db): BlackoutWindow[] {
  return allBlackouts(db)
    .all()
    .map((b) => ({ id: b.id, start: b.startAt, end: b.endAt, reason: b.reason }));
}

export function addBlackout(db: Db, b: Omit<BlackoutWindow, 'id'>): BlackoutWindow {
  noteScheduleWrite();
  const row = db.insert(blackoutWindows).values({ startAt: b.start, endAt: b.end, reason: b.reason }).returning().get();
  return { id: row.id, start: row.startAt, end: row.endAt, reason: row.reason };
}

export function removeBlackout(db: Db, id: number): boolean {
  noteScheduleWrite();
  return (db.delete(blackoutWindows).where(eq(blackoutWindows.id, id)).run() as { changes: number }).changes > 0;
}

export function getSetting(db: Db, key: string): string | null {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value ?? null;
}

export function setSetting(db: Db, key: string, value: string, by: string, at: Date): void {
  db.insert(settings)
    .values({ key, value, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: by, updatedAt: at } })
    .run();
}
