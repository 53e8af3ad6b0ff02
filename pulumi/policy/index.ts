import { PolicyPack } from '@pulumi/policy';
import { policies } from './rules.js';

new PolicyPack('rtc-aws', { policies });
