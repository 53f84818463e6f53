'use client';

import { createBrowserClient } from '@supabase/ssr';

const url = process.env.NEXT_PUBLIC_SUPABASE_URL;

// ruleid: js-supabase-service-role-key-client-side
export const adminClient = createBrowserClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY);

// ruleid: js-supabase-service-role-key-client-side
export const fallbackClient = createBrowserClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY || 'sb-Xc5Vb8Nm1Qa4Ws7E');

// ok: js-supabase-service-role-key-client-side
export const browserClient = createBrowserClient(url, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY);

export async function loadProfile(id) {
  // ok: js-supabase-service-role-key-client-side
  return browserClient.from('profiles').select('id, display_name').eq('id', id).single();
}
