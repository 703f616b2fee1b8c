import { Link, useSearchParams } from 'react-router-dom';
import { AdminMetrics } from '../admin/AdminMetrics';
import { AdminUsers } from '../admin/AdminUsers';
import { AuditLog } from '../admin/AuditLog';
import { isForbidden, useAdminUsers, USERS_PAGE } from '../admin/queries';
import { ErrorState, Skeleton } from '../components/States';
import { useI18n } from '../i18n/i18n';
import '../billing/Billing.css';
import '../admin/Admin.css';

const TABS = ['users', 'metrics', 'actions'] as const;
type Tab = (typeof TABS)[number];

function tabOf(value: string | null): Tab {
  return TABS.find((tab) => tab === value) ?? 'users';
}

/** "No access": a learner who opened /admin by its address. */
function Forbidden() {
  const { t } = useI18n();
  return (
    <div className="card state" role="alert" data-testid="admin-forbidden">
      <h2>{t('admin.forbidden.title')}</h2>
      <p>{t('admin.forbidden.text')}</p>
      <Link to="/" className="button">
        {t('admin.forbidden.home')}
      </Link>
    </div>
  );
}

/**
 * `/admin`: users (search, plan filter, sort, pages; a row grants Premium or refunds), metrics
 * for a period and the audit log. The server decides who is an admin: a 403 shows "no access".
 */
export function AdminScreen() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = tabOf(params.get('tab'));
  // The first page of users doubles as the access check (the same query the users tab shows).
  const probe = useAdminUsers({ sort: 'created_at', order: 'desc', limit: USERS_PAGE, offset: 0 });

  let content;
  if (probe.isPending) content = <Skeleton lines={6} />;
  else if (probe.isError && isForbidden(probe.error)) content = <Forbidden />;
  else if (probe.isError) content = <ErrorState error={probe.error} onRetry={() => probe.refetch()} />;
  else
    content = (
      <>
        <div className="admin-tabs" role="tablist" aria-label={t('admin.tabs')}>
          {TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={name === tab}
              className={`segment ${name === tab ? 'segment-selected' : ''}`}
              data-testid={`admin-tab-${name}`}
              onClick={() => setParams(name === 'users' ? {} : { tab: name }, { replace: true })}
            >
              {t(`admin.tab.${name}`)}
            </button>
          ))}
        </div>
        {tab === 'users' && <AdminUsers />}
        {tab === 'metrics' && <AdminMetrics />}
        {tab === 'actions' && <AuditLog />}
      </>
    );

  return (
    <main className="screen admin">
      <h1>{t('admin.title')}</h1>
      {content}
    </main>
  );
}
