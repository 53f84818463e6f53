import { createClient } from '@supabase/supabase-js';
import { useEffect, useMemo, useState } from 'react';

const SUPABASE_URL = process.env.NEXT_PUBLIC_SUPABASE_URL!;

export function useAdminStats() {
  const [stats, setStats] = useState<unknown>(null);
  useEffect(() => {
    // ruleid: js-supabase-service-role-key-client-side
    const admin = createClient(SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY!);
    admin.from('orders').select('total').then(({ data }) => setStats(data));
  }, []);
  return stats;
}

export function useTeamClient(serviceRoleKey: string) {
  // ruleid: js-supabase-service-role-key-client-side
  return useMemo(() => createClient(SUPABASE_URL, serviceRoleKey), [serviceRoleKey]);
}

export function usePublicClient() {
  // ok: js-supabase-service-role-key-client-side
  return useMemo(() => createClient(SUPABASE_URL, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!), []);
}

export async function purgeExpiredSessions() {
  // ok: js-supabase-service-role-key-client-side
  const admin = createClient(SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY!, { auth: { persistSession: false } });
  await admin.from('sessions').delete().lt('expires_at', new Date().toISOString());
}
