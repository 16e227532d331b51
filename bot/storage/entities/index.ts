/** Every entity the ORM knows. A new table starts here, then `npm run migration:create`. */
import { AuditLog } from './audit-log.ts';
import { ChannelSendWindow } from './channel-send-window.ts';
import { ChatLink } from './chat-link.ts';
import { CronJob } from './cron-job.ts';
import { DashboardSession } from './dashboard-session.ts';
import { DashboardSignIn } from './dashboard-sign-in.ts';
import { DigestPeriod } from './digest-period.ts';
import { Event } from './event.ts';
import { InboundRequest } from './inbound-request.ts';
import { Incident } from './incident.ts';
import { EventGroup } from './event-group.ts';
import { Instance } from './instance.ts';
import { InstanceState } from './instance-state.ts';
import { LinkCode } from './link-code.ts';
import { RotationFollowUp } from './rotation-follow-up.ts';
import { Notification } from './notification.ts';
import { Snapshot } from './snapshot.ts';
import { Subscription } from './subscription.ts';
import { SyncToken } from './sync-token.ts';
import { ThresholdOverride } from './threshold-override.ts';
import { UsageHourly } from './usage-hourly.ts';
import { UsageLateWrite } from './usage-late-write.ts';
import { UsageSummary } from './usage-summary.ts';
import { ShareLink } from './share-link.ts';
import { Workspace } from './workspace.ts';
import { WorkspaceSetting } from './workspace-setting.ts';

export { AuditLog, ChannelSendWindow, ChatLink, CronJob, DashboardSession, DashboardSignIn, DigestPeriod, ShareLink, WorkspaceSetting, Event, EventGroup, InboundRequest, Incident, Instance, InstanceState, LinkCode, Notification, RotationFollowUp, Snapshot, Subscription, SyncToken, ThresholdOverride, UsageHourly, UsageLateWrite, UsageSummary, Workspace };

export const entities = [
  Workspace,
  Instance,
  SyncToken,
  ChatLink,
  LinkCode,
  Subscription,
  AuditLog,
  InstanceState,
  Snapshot,
  UsageHourly,
  UsageLateWrite,
  UsageSummary,
  CronJob,
  EventGroup,
  Incident,
  Event,
  Notification,
  ChannelSendWindow,
  ThresholdOverride,
  RotationFollowUp,
  InboundRequest,
  DashboardSignIn,
  DashboardSession,
  ShareLink,
  WorkspaceSetting,
  DigestPeriod,
];
