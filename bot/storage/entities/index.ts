/** Every entity the ORM knows. A new table starts here, then `npm run migration:create`. */
import { AuditLog } from './audit-log.ts';
import { ChatLink } from './chat-link.ts';
import { Instance } from './instance.ts';
import { LinkCode } from './link-code.ts';
import { Subscription } from './subscription.ts';
import { SyncToken } from './sync-token.ts';
import { Workspace } from './workspace.ts';

export { AuditLog, ChatLink, Instance, LinkCode, Subscription, SyncToken, Workspace };

export const entities = [Workspace, Instance, SyncToken, ChatLink, LinkCode, Subscription, AuditLog];
