/**
 * The workspace as the package checks read it (metadata.test.ts, layers.test.ts): every package.json
 * under packages/ and apps/, the files of a package, and the module specifiers a file names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../harness/node-types.js';

/** The fields of a package.json the checks read. */
export interface Manifest {
  name: string;
  private?: boolean;
  description?: string;
  license?: string;
  author?: unknown;
  keywords?: string[];
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  publishConfig?: { access?: string };
  engines?: { node?: string };
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}

/** Every workspace package: its folder relative to the repository (`packages/rag`) and its package.json. */
export const workspace: { dir: string; json: Manifest }[] = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(repoRoot, group))
    .map((name) => `${group}/${name}`)
    .filter((dir) => existsSync(join(repoRoot, dir, 'package.json')))
    .map((dir) => ({
      dir,
      json: JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest,
    })),
);

const SKIP = new Set(['node_modules', 'dist', '.turbo', 'coverage']);
/** Every file below `dir`, build outputs and installed packages left out. */
export const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (SKIP.has(f)) return [];
    return statSync(p).isDirectory() ? walk(p) : [p];
  });

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export const packageOf = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
};

/** A module a file names, and how: a value import or re-export, a type-only one, import(), require(). */
export interface ModuleReference {
  specifier: string;
  kind: 'static' | 'type' | 'dynamic' | 'require';
}

/** Every module specifier a file names: import/export from, import type, import(), require(). */
export function moduleReferences(file: string, text = readFileSync(file, 'utf8')): ModuleReference[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ModuleReference[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.isTypeOnly === true ||
          (node.importClause !== undefined &&
            node.importClause.name === undefined &&
            node.importClause.namedBindings !== undefined &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            node.importClause.namedBindings.elements.every((e) => e.isTypeOnly))
        : node.isTypeOnly;
      out.push({ specifier: node.moduleSpecifier.text, kind: typeOnly ? 'type' : 'static' });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      out.push({
        specifier: node.arguments[0].text,
        kind: node.expression.kind === ts.SyntaxKind.ImportKeyword ? 'dynamic' : 'require',
      });
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      out.push({ specifier: node.argument.literal.text, kind: 'type' });
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e)) out.push({ specifier: e.text, kind: 'require' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
