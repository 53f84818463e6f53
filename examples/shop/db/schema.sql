-- The demo shop's PostgreSQL schema, with row-level security gaps planted on purpose for
-- `vigil scan postgres`. Run it into a fresh database:
--   createdb vigil_demo_shop && psql -v ON_ERROR_STOP=1 -d vigil_demo_shop -f examples/shop/db/schema.sql
-- It builds objects only in this database (no roles: they would outlive it) and holds no data.
-- README.md beside it lists what is planted and the findings a scan yields.

-- customers: the API (schema public) reaches it and row-level security is off.
-- Planted: rls_disabled_in_public; duplicate_index (two identical indexes on email).
create table public.customers (
  id bigint generated always as identity primary key,
  email text not null,
  full_name text not null,
  created_at timestamptz not null default now()
);
create index customers_email_idx on public.customers (email);
create index customers_email_lookup_idx on public.customers (email);

-- orders: row-level security is on, but nobody wrote a policy.
-- Planted: rls_enabled_no_policy.
create table public.orders (
  id bigint generated always as identity primary key,
  customer_id bigint not null references public.customers (id),
  total_cents integer not null check (total_cents >= 0),
  placed_at timestamptz not null default now()
);
create index orders_customer_id_idx on public.orders (customer_id);
alter table public.orders enable row level security;

-- order_items: a policy that re-reads the session setting for every row, and a foreign key with
-- no index. Planted: auth_rls_initplan; unindexed_foreign_keys.
create table public.order_items (
  id bigint generated always as identity primary key,
  order_id bigint not null references public.orders (id),
  sku text not null,
  quantity integer not null check (quantity > 0)
);
alter table public.order_items enable row level security;
create policy order_items_own on public.order_items
  using (order_id in (select o.id from public.orders o where o.customer_id = current_setting('app.customer_id')::bigint));

-- reviews: a policy was written, but row-level security was never enabled, so it applies to no one.
-- Planted: policy_exists_rls_disabled; rls_disabled_in_public.
create table public.reviews (
  id bigint generated always as identity primary key,
  customer_id bigint not null references public.customers (id),
  body text not null
);
create index reviews_customer_id_idx on public.reviews (customer_id);
create policy reviews_by_author on public.reviews
  using (customer_id = (select current_setting('app.customer_id')::bigint));

-- products: two permissive policies for the same role and action (their OR is what applies).
-- Planted: multiple_permissive_policies.
create table public.products (
  sku text primary key,
  name text not null,
  price_cents integer not null,
  published boolean not null default false
);
alter table public.products enable row level security;
create policy products_published on public.products for select using (published);
create policy products_staff_preview on public.products for select using ((select current_setting('app.role', true)) = 'staff');

-- audit_log: RLS and a policy, but no primary key.
-- Planted: no_primary_key.
create table public.audit_log (
  at timestamptz not null default now(),
  actor text not null,
  action text not null
);
alter table public.audit_log enable row level security;
create policy audit_log_staff on public.audit_log for select using ((select current_setting('app.role', true)) = 'staff');

-- customer_emails: a view runs with its owner's rights unless security_invoker is set, so it reads
-- customers past any row-level security. Planted: security_definer_view.
create view public.customer_emails as
  select id, email from public.customers;

-- order_total: no fixed search_path, so `orders` resolves against the caller's search_path.
-- Planted: function_search_path_mutable.
create function public.order_total(p_order_id bigint) returns integer
  language sql stable
  as $$ select total_cents from orders where id = p_order_id $$;

-- find_customer: SECURITY DEFINER (runs as its owner, past row-level security) and, as every new
-- function, executable by PUBLIC. Its search_path is fixed, so only the definer problem is planted.
-- Planted: security_definer_function.
create function public.find_customer(p_email text) returns bigint
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$ select id from public.customers where email = p_email $$;

-- What a well-built table looks like, for contrast: RLS on, one policy per action, indexed keys.
create table public.wishlists (
  id bigint generated always as identity primary key,
  customer_id bigint not null references public.customers (id),
  sku text not null references public.products (sku)
);
create index wishlists_customer_id_idx on public.wishlists (customer_id);
create index wishlists_sku_idx on public.wishlists (sku);
alter table public.wishlists enable row level security;
create policy wishlists_owner on public.wishlists
  using (customer_id = (select current_setting('app.customer_id')::bigint));
