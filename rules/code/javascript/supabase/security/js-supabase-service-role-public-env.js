import { createClient } from '@supabase/supabase-js';

export const supabaseAdmin = createClient(
  process.env.NEXT_PUBLIC_SUPABASE_URL,
  // ruleid: js-supabase-service-role-public-env
  process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY,
);

// ruleid: js-supabase-service-role-public-env
export const viteAdmin = createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY);

// ok: js-supabase-service-role-public-env
export const browserClient = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY);

// ok: js-supabase-service-role-public-env
export const serverAdmin = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY);
