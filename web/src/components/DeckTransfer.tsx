import { useRef, useState, type ChangeEvent } from 'react';
import type { Deck, ExportFormat, ImportFile, ImportReport } from '../api/types';
import { useExportDeck, useImportDeck } from '../hooks/deckQueries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { exportFileName, saveFile } from '../telegram/saveFile';
import { InlineError } from './States';

/** Rows of each list shown before "…and N more". */
const LIST_LIMIT = 10;
const PREVIEW_ROWS = 5;

/** `.tsv` is tab-separated; everything else goes as CSV (the server detects the separator). */
export function importContentType(fileName: string): string {
  return fileName.toLowerCase().endsWith('.tsv') ? 'text/tab-separated-values' : 'text/csv';
}

class NotUtf8Error extends Error {}

/** The file as UTF-8 text; anything else is refused here rather than garbled. */
async function readImportFile(file: File): Promise<ImportFile> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    throw new NotUtf8Error();
  }
  return { name: file.name, text, contentType: importContentType(file.name) };
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

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    // Cleared so that choosing the same file again (after fixing it) fires a change.
    event.target.value = '';
    importDeck.reset();
    setFile(null);
    setPreview(null);
    setResult(null);
    setNotUtf8(false);
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
    importDeck.mutate({ file: read, dryRun: true }, { onSuccess: setPreview, onError: () => haptics.notification('error') });
  };

  const confirm = () => {
    if (!file) return;
    importDeck.mutate(
      { file, dryRun: false },
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
  };

  return (
    <div className="transfer-import">
      {/* The input stays hidden; the button opens its picker and is reachable by keyboard. */}
      <input
        ref={input}
        type="file"
        hidden
        accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
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
      {!file && !result && <p className="hint">{t('transfer.importHint')}</p>}
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
      <InlineError error={importDeck.error} />
      {preview && file && (
        <div className="transfer-report" data-testid="import-preview">
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
            rows={preview.duplicates.map((d) => ({ row: d.row, text: d.front }))}
            testId="import-duplicates"
          />
          <RowList
            title={t('transfer.errors', { count: preview.errors.length })}
            rows={preview.errors.map((e) => ({ row: e.row, text: e.message }))}
            testId="import-errors"
          />
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
          <li key={r.row}>{t('transfer.row', { row: r.row, text: r.text })}</li>
        ))}
        {rows.length > LIST_LIMIT && <li>{t('transfer.more', { count: rows.length - LIST_LIMIT })}</li>}
      </ul>
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
