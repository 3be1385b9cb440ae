/** Standard-change templates and their versions (issue 14). */
import { and, asc, eq } from 'drizzle-orm';
import type { Template, TemplateTask, TemplateVersion, TemplateWindows } from '../../domain/templates.js';
import type { Db } from '../client.js';
import { templateVersions, templates } from '../schema.js';

type VersionRow = typeof templateVersions.$inferSelect;

function toVersion(r: VersionRow): TemplateVersion {
  return {
    name: r.templateName,
    version: r.version,
    titlePattern: r.titlePattern,
    description: r.description,
    services: r.services,
    plan: r.plan ?? '',
    backout: r.backout ?? '',
    test: r.test,
    maxDurationMinutes: r.maxDurationMinutes,
    allowedWindows: r.allowedWindows as TemplateWindows,
    tasks: r.tasks as unknown as TemplateTask[],
    checklist: r.checklist,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  };
}

/** Names are stored lower-case; a lookup lower-cases what was typed. */
export function findTemplate(db: Db, name: string): Template | null {
  return db.select().from(templates).where(eq(templates.name, name.toLowerCase())).get() ?? null;
}

export function listTemplates(db: Db): Template[] {
  return db.select().from(templates).orderBy(asc(templates.name)).all();
}

export function findTemplateVersion(db: Db, name: string, version: number): TemplateVersion | null {
  const row = db
    .select()
    .from(templateVersions)
    .where(and(eq(templateVersions.templateName, name.toLowerCase()), eq(templateVersions.version, version)))
    .get();
  return row ? toVersion(row) : null;
}

/** Every version of a template, oldest first. */
export function templateHistory(db: Db, name: string): TemplateVersion[] {
  return db
    .select()
    .from(templateVersions)
    .where(eq(templateVersions.templateName, name.toLowerCase()))
    .orderBy(asc(templateVersions.version))
    .all()
    .map(toVersion);
}

export function insertTemplate(db: Db, t: Template): void {
  db.insert(templates).values(t).run();
}

/** Adds a version and makes it the current one. */
export function insertTemplateVersion(db: Db, v: TemplateVersion): void {
  const { name, tasks, ...rest } = v;
  db.insert(templateVersions)
    .values({ ...rest, templateName: name, tasks: tasks as unknown as Record<string, unknown>[] })
    .run();
  db.update(templates).set({ currentVersion: v.version }).where(eq(templates.name, name)).run();
}

export function retireTemplate(db: Db, name: string, by: string, at: Date): void {
  db.update(templates).set({ retiredAt: at, retiredBy: by }).where(eq(templates.name, name)).run();
}
