import type { Calendar, CalendarDay } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { addDays, calendarWeeks, dateValue, formatStudyDate, mondayOf } from '../stats/stats';

const LEVELS = ['none', 'low', 'medium', 'high'] as const;

/**
 * The heat-map: a column per calendar week, rows Monday to Sunday, each day coloured by its
 * level and named (date and actions) for screen readers; today outlined.
 */
export function ActivityCalendar({ calendar, weeks }: { calendar: Calendar; weeks: number }) {
  const { t, lang } = useI18n();
  const columns = calendarWeeks(calendar);
  const start = calendar.days.length > 0 ? mondayOf(calendar.from) : calendar.from;
  const weekday = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' });
  const title = t('calendar.title', { weeks });

  // A month's name over the first week that starts in it, unless the next name would crowd it.
  const monthLabels: { column: number; text: string }[] = [];
  columns.forEach((_, column) => {
    const monday = addDays(start, column * 7);
    const previous = addDays(monday, -7);
    if (column === 0 || monday.slice(0, 7) !== previous.slice(0, 7)) {
      monthLabels.push({ column, text: month.format(new Date(dateValue(monday))) });
    }
  });
  const shownMonths = monthLabels.filter((label, i) => {
    const next = monthLabels[i + 1];
    return !next || next.column - label.column >= 3;
  });

  const label = (day: CalendarDay) => {
    const date = formatStudyDate(day.date, lang);
    const text = day.actions > 0 ? t('calendar.cell', { date, n: day.actions }) : t('calendar.cellNone', { date });
    return day.date === calendar.to ? t('calendar.cellToday', { label: text }) : text;
  };

  return (
    <section className="card calendar" aria-label={title} data-testid="calendar">
      <p className="section-title">{title}</p>
      <div className="heatmap" style={{ ['--weeks' as string]: columns.length }}>
        <span className="heatmap-corner" aria-hidden="true" />
        <div className="heatmap-months" aria-hidden="true">
          {shownMonths.map(({ column, text }) => (
            <span key={column} style={{ gridColumn: column + 1 }}>
              {text}
            </span>
          ))}
        </div>
        <div className="heatmap-weekdays" aria-hidden="true">
          {Array.from({ length: 7 }, (_, row) => (
            <span key={row}>{weekday.format(new Date(dateValue(addDays('2024-01-01', row))))}</span>
          ))}
        </div>
        <div className="heatmap-grid" role="group" aria-label={title} data-testid="heatmap">
          {columns.flatMap((days, column) =>
            days.map((day, row) => {
              const position = { gridColumn: column + 1, gridRow: row + 1 };
              if (!day) {
                return <span key={`${column}-${row}`} className="heat-cell heat-blank" style={position} aria-hidden="true" />;
              }
              const today = day.date === calendar.to;
              const text = label(day);
              return (
                <span
                  key={day.date}
                  className={`heat-cell heat-${day.level} ${today ? 'heat-today' : ''}`}
                  style={position}
                  role="img"
                  aria-label={text}
                  title={text}
                  aria-current={today ? 'date' : undefined}
                  data-date={day.date}
                  data-level={day.level}
                  data-column={column}
                  data-row={row}
                />
              );
            }),
          )}
        </div>
      </div>
      <div className="heatmap-legend" aria-hidden="true">
        <span>{t('calendar.less')}</span>
        {LEVELS.map((level) => (
          <span key={level} className={`heat-cell heat-${level}`} />
        ))}
        <span>{t('calendar.more')}</span>
      </div>
      <p className="hint">{t('calendar.hint')}</p>
    </section>
  );
}
