import { useRef, useState, type ChangeEvent } from 'react';
import { ApiError } from '../api/errors';
import type {
  Deck,
  ExportFormat,
  ImportColumnRole,
  ImportFile,
  ImportMapping,
  ImportReport,
  ImportRowErrorCode,
} from '../api/types';
import { useExportDeck, useImportDeck } from '../hooks/deckQueries';
import { useI18n, type MessageKey, type Translate } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { exportFileName, saveFile } from '../telegram/saveFile';
import { InlineError } from './States';

/** Rows of each list shown before "…and N more". */
const LIST_LIMIT = 10;
const PREVIEW_ROWS = 5;

/** `.tsv` is tab-separated; `.apkg` an Anki package; everything else goes as CSV (the server detects the separator). */
export function importContentType(fileName: string): string {
  const name = fileName.toLowerCase();
  if (name.endsWith('.apkg')) return 'application/zip';
  return name.endsWith('.tsv') ? 'text/tab-separated-values' : 'text/csv';
}

class NotUtf8Error extends Error {}

/** Zip's signature: an Anki package, whatever its name says. */
function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** A package goes as it is; text must be UTF-8 and is refused here rather than garbled. */
async function readImportFile(file: File): Promise<ImportFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes)) return { name: file.name, body: file, contentType: 'application/zip' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NotUtf8Error();
  }
  return { name: file.name, body: text, contentType: importContentType(file.name) };
}

const ROW_CODE_KEYS: Record<ImportRowErrorCode, MessageKey> = {
  EMPTY_FRONT: 'transfer.code.EMPTY_FRONT',
  EMPTY_BACK: 'transfer.code.EMPTY_BACK',
  TOO_LONG: 'transfer.code.TOO_LONG',
  NUL_CHARACTER: 'transfer.code.NUL_CHARACTER',
  BAD_FORMS: 'transfer.code.BAD_FORMS',
  UNREADABLE_ROW: 'transfer.code.UNREADABLE_ROW',
  TOO_MANY_ROWS: 'transfer.code.TOO_MANY_ROWS',
};

/** The picker offers these; a role the server recognised otherwise stays as "other field". */
const PICKER_ROLES: ImportColumnRole[] = ['front', 'back', 'example', 'notes', 'ignore'];

/**
 * Whether the learner may change the columns after a dry run: any text file with two columns
 * or more; an Anki package when its note type has more than two fields (with two, the first is
 * the word and the second the translation, or the field names say so).
 */
export function canChangeColumns(report: ImportReport): boolean {
  return report.columns.length > (report.source === 'apkg' ? 2 : 1);
}

/** A column's name for the learner: its header or field name, else "Column N" ("Field N" in a package). */
function columnLabel(t: Translate, report: ImportReport, index: number): string {
  const name = report.columns[index]?.name;
  if (name) return name;
  return t(report.source === 'apkg' ? 'transfer.picker.field' : 'transfer.picker.column', { n: index + 1 });
}

/** "The word comes from field X, the translation from Y", for a package's preview. */
function apkgFieldsText(t: Translate, report: ImportReport): string | null {
  const front = report.columns.find((c) => c.role === 'front');
  const back = report.columns.find((c) => c.role === 'back');
  if (!front || !back) return null;
  return t('transfer.source.apkgFields', {
    front: columnLabel(t, report, front.index),
    back: columnLabel(t, report, back.index),
  });
}

const FILE_ERROR_KEYS: Record<string, MessageKey> = {
  not_text: 'transfer.fileError.not_text',
  not_a_package: 'transfer.fileError.not_a_package',
  no_collection: 'transfer.fileError.no_collection',
  corrupt_package: 'transfer.fileError.corrupt_package',
  collection_too_large: 'transfer.fileError.collection_too_large',
  columns_unclear: 'transfer.fileError.columns_unclear',
};

/** What is wrong with the file as a whole, in the interface language, when the server said. */
export function fileErrorText(t: Translate, error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
  const maxBytes = typeof error.details?.max_bytes === 'number' ? error.details.max_bytes : undefined;
  const mb = maxBytes === undefined ? '?' : Math.round(maxBytes / (1024 * 1024));
  const key = reason === undefined ? undefined : FILE_ERROR_KEYS[reason];
  if (key) return t(key, { mb });
  if (error.code === 'PAYLOAD_TOO_LARGE') return t('transfer.fileError.too_large', { mb });
  return null;
}

/** A row problem, written here from its code (the server's English message is not shown). */
export function rowErrorText(t: Translate, error: ImportReport['errors'][number]): string {
  // A code this app does not know yet (a newer server) falls back to the server's sentence.
  const key: MessageKey | undefined = ROW_CODE_KEYS[error.code];
  const text = key ? t(key, { field: error.field ?? '', max: error.max ?? '?' }) : error.message;
  return t('transfer.rowCode', { row: error.row, text });
}

export function duplicateText(t: Translate, duplicate: ImportReport['duplicates'][number]): string {
  const text =
    duplicate.code === 'DUPLICATE_IN_FILE'
      ? t('transfer.code.DUPLICATE_IN_FILE', { first: duplicate.first_row ?? '?' })
      : t('transfer.code.DUPLICATE_EXISTING');
  return t('transfer.rowWord', { row: duplicate.row, word: duplicate.front, text });
}

/** Import a CSV/TSV file into the deck (dry run, then confirm) and export it as CSV or .apkg. */
export function DeckTransfer({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  return (
    <section className="card danger-zone" aria-label={t('transfer.title')}>
      <p className="section-title">{t('transfer.title')}</p>
      <DeckImport deck={deck} />
      <DeckExport deck={deck} />
    </section>
  );
}

function DeckImport({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const importDeck = useImportDeck(deck.id);
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [notUtf8, setNotUtf8] = useState(false);
  // The picker's answer in effect (sent with every request for this file), and whether the
  // picker is open.
  const [mapping, setMapping] = useState<ImportMapping | undefined>(undefined);
  const [picking, setPicking] = useState(false);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    // Cleared so that choosing the same file again (after fixing it) fires a change.
    event.target.value = '';
    importDeck.reset();
    setFile(null);
    setPreview(null);
    setResult(null);
    setNotUtf8(false);
    setMapping(undefined);
    setPicking(false);
    if (!chosen) return;
    let read: ImportFile;
    try {
      read = await readImportFile(chosen);
    } catch (error) {
      if (!(error instanceof NotUtf8Error)) throw error;
      haptics.notification('error');
      setNotUtf8(true);
      return;
    }
    setFile(read);
    check(read, undefined);
  };

  const check = (target: ImportFile, chosenMapping: ImportMapping | undefined) => {
    importDeck.mutate(
      { file: target, dryRun: true, mapping: chosenMapping },
      {
        onSuccess: (report) => {
          setPreview(report);
          setMapping(chosenMapping);
          setPicking(report.needs_mapping);
        },
        onError: () => haptics.notification('error'),
      },
    );
  };

  const confirm = () => {
    if (!file) return;
    importDeck.mutate(
      { file, dryRun: false, mapping },
      {
        onSuccess: (report) => {
          haptics.notification('success');
          setResult(report);
          setPreview(null);
          setFile(null);
        },
        onError: () => haptics.notification('error'),
      },
    );
  };

  const cancel = () => {
    importDeck.reset();
    setFile(null);
    setPreview(null);
    setMapping(undefined);
    setPicking(false);
  };
  const fileError = fileErrorText(t, importDeck.error);

  return (
    <div className="transfer-import">
      {/* The input stays hidden; the button opens its picker and is reachable by keyboard. */}
      <input
        ref={input}
        type="file"
        hidden
        accept=".csv,.tsv,.txt,.apkg,text/csv,text/tab-separated-values,text/plain,application/zip"
        aria-label={t('transfer.import')}
        data-testid="import-file"
        onChange={(event) => void choose(event)}
      />
      <button
        type="button"
        className="button button-wide"
        disabled={importDeck.isPending}
        onClick={() => input.current?.click()}
      >
        {t('transfer.import')}
      </button>
      {!file && !result && (
        <>
          <p className="hint">{t('transfer.importHint')}</p>
          <p className="hint" data-testid="import-formats">
            {t('transfer.formats')}
          </p>
        </>
      )}
      {file && <p className="hint transfer-file">{t('transfer.file', { name: file.name })}</p>}
      {importDeck.isPending && (
        <p className="hint" role="status">
          {importDeck.variables.dryRun ? t('transfer.checking') : t('transfer.importing')}
        </p>
      )}
      {notUtf8 && (
        <div className="inline-error" role="alert">
          <p>{t('transfer.notUtf8')}</p>
        </div>
      )}
      {fileError ? (
        <div className="inline-error" role="alert">
          <p>{fileError}</p>
        </div>
      ) : (
        <InlineError error={importDeck.error} />
      )}
      {preview && file && picking && (
        <ColumnPicker
          report={preview}
          busy={importDeck.isPending}
          onApply={(chosen) => check(file, chosen)}
          onCancel={preview.needs_mapping ? cancel : () => setPicking(false)}
        />
      )}
      {preview && file && !picking && (
        <div className="transfer-report" data-testid="import-preview">
          {preview.source === 'apkg' && (
            <p className="hint" data-testid="import-apkg-fields">
              {t('transfer.source.apkg')} {apkgFieldsText(t, preview)}
            </p>
          )}
          <p>
            <strong>{t('transfer.willCreate', { count: preview.created })}</strong>
          </p>
          {preview.preview.length > 0 && (
            <>
              <p className="section-title">{t('transfer.preview')}</p>
              <ul className="card-list">
                {preview.preview.slice(0, PREVIEW_ROWS).map((row, index) => (
                  <li key={index} className="card-row">
                    <span className="card-row-text">
                      <strong>{row.front}</strong>
                      <span className="hint">{row.back}</span>
                      {row.example && <span className="hint">{row.example}</span>}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          <RowList
            title={t('transfer.duplicates', { count: preview.duplicates.length })}
            rows={preview.duplicates.map((d) => ({ row: d.row, text: duplicateText(t, d) }))}
            testId="import-duplicates"
          />
          <RowList
            title={t('transfer.errors', { count: preview.errors.length })}
            rows={preview.errors.map((e) => ({ row: e.row, text: rowErrorText(t, e) }))}
            testId="import-errors"
          />
          {canChangeColumns(preview) && (
            <button type="button" className="button" onClick={() => setPicking(true)}>
              {preview.source === 'apkg' ? t('transfer.picker.changeApkg') : t('transfer.picker.change')}
            </button>
          )}
          {preview.created > 0 ? (
            <div className="row">
              <button
                type="button"
                className="button button-primary button-grow"
                disabled={importDeck.isPending}
                onClick={confirm}
              >
                {t('transfer.confirm', { count: preview.created })}
              </button>
              <button type="button" className="button" disabled={importDeck.isPending} onClick={cancel}>
                {t('common.cancel')}
              </button>
            </div>
          ) : (
            <p className="hint" role="status">
              {t('transfer.nothing')}
            </p>
          )}
        </div>
      )}
      {result && (
        <div role="status" data-testid="import-result">
          <p>
            <strong>{t('transfer.done', { count: result.created })}</strong>
          </p>
          {result.duplicates.length + result.errors.length > 0 && (
            <p className="hint">{t('transfer.skipped', { count: result.duplicates.length + result.errors.length })}</p>
          )}
        </div>
      )}
    </div>
  );
}

function RowList({ title, rows, testId }: { title: string; rows: { row: number; text: string }[]; testId: string }) {
  const { t } = useI18n();
  if (rows.length === 0) return null;
  return (
    <div data-testid={testId}>
      <p>{title}</p>
      <ul className="transfer-rows hint">
        {rows.slice(0, LIST_LIMIT).map((r) => (
          <li key={r.row}>{r.text}</li>
        ))}
        {rows.length > LIST_LIMIT && <li>{t('transfer.more', { count: rows.length - LIST_LIMIT })}</li>}
      </ul>
    </div>
  );
}

/** Which column is the word, the translation, the example, or left out: shown with the first rows. */
function ColumnPicker({
  report,
  busy,
  onApply,
  onCancel,
}: {
  report: ImportReport;
  busy: boolean;
  onApply: (mapping: ImportMapping) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [roles, setRoles] = useState<ImportColumnRole[]>(() => report.columns.map((c) => c.role));
  const [header, setHeader] = useState(report.header);
  const count = (role: ImportColumnRole) => roles.filter((r) => r === role).length;
  const valid = count('front') === 1 && count('back') === 1;
  const setRole = (index: number, role: ImportColumnRole) => {
    // A role other than "ignore" belongs to one column: taking it elsewhere frees this one.
    setRoles((current) => current.map((r, i) => (i === index ? role : r === role && role !== 'ignore' ? 'ignore' : r)));
  };
  return (
    <div className="transfer-report" data-testid="import-picker">
      <p className="section-title">
        {report.source === 'apkg' ? t('transfer.picker.titleApkg') : t('transfer.picker.title')}
      </p>
      {report.needs_mapping && <p className="hint">{t('transfer.picker.hint')}</p>}
      {report.source === 'csv' && (
        <label className="field field-inline">
          <span>{t('transfer.picker.header')}</span>
          <input type="checkbox" checked={header} onChange={(event) => setHeader(event.target.checked)} />
        </label>
      )}
      <ul className="card-list">
        {report.columns.map((column) => {
          const role = roles[column.index] ?? 'ignore';
          const options = PICKER_ROLES.includes(role) ? PICKER_ROLES : [...PICKER_ROLES, role];
          const label = columnLabel(t, report, column.index);
          const samples = report.sample
            .map((row) => row.cells[column.index] ?? '')
            .filter((cell) => cell !== '')
            .slice(0, 3);
          return (
            <li key={column.index} className="card-row" data-testid="import-column">
              <label className="field transfer-column">
                <span className="card-row-text">
                  <strong>{label}</strong>
                  <span className="hint">{samples.join(' · ')}</span>
                </span>
                <select
                  className="input"
                  value={role}
                  aria-label={label}
                  onChange={(event) => setRole(column.index, event.target.value as ImportColumnRole)}
                >
                  {options.map((option) => (
                    <option key={option} value={option}>
                      {PICKER_ROLES.includes(option) ? t(`transfer.role.${option}` as MessageKey) : t('transfer.role.other')}
                    </option>
                  ))}
                </select>
              </label>
            </li>
          );
        })}
      </ul>
      {!valid && (
        <p className="hint" role="status">
          {t('transfer.picker.needBoth')}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="button button-primary button-grow"
          disabled={busy || !valid}
          // A package has no header row: `header` is only sent for text files.
          onClick={() => onApply({ columns: roles, header: report.source === 'csv' ? header : undefined })}
        >
          {report.source === 'apkg' ? t('transfer.picker.applyApkg') : t('transfer.picker.apply')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}

function DeckExport({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const exportDeck = useExportDeck(deck.id);
  const [saved, setSaved] = useState<string | null>(null);

  const download = (format: ExportFormat) => {
    setSaved(null);
    exportDeck.mutate(format, {
      onSuccess: (blob) => {
        const name = exportFileName(deck.name, format);
        saveFile(blob, name);
        haptics.notification('success');
        setSaved(name);
      },
      onError: () => haptics.notification('error'),
    });
  };

  return (
    <div className="transfer-export">
      <div className="row">
        <button
          type="button"
          className="button button-grow"
          disabled={exportDeck.isPending}
          onClick={() => download('csv')}
        >
          {t('transfer.exportCsv')}
        </button>
        <button
          type="button"
          className="button button-grow"
          disabled={exportDeck.isPending}
          onClick={() => download('apkg')}
        >
          {t('transfer.exportApkg')}
        </button>
      </div>
      {exportDeck.isPending && (
        <p className="hint" role="status">
          {t('transfer.exporting')}
        </p>
      )}
      {saved && (
        <p className="hint" role="status">
          {t('transfer.exported', { name: saved })}
        </p>
      )}
      <InlineError error={exportDeck.error} />
    </div>
  );
}
